export { Chaos, findProfile, type ChaosOptions } from './chaos.js';
export { combineProfiles, FAULT_PROFILES, type FaultProfile } from './fault-profile.js';
export { COMPONENTS, describeFault, type ComponentName, type ScriptedFault, type Trigger } from './scripted-fault.js';
