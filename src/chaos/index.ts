export { Chaos, findProfile, type ChaosOptions } from './chaos.js';
export { combineProfiles, FAULT_PROFILES, type FaultProfile } from './fault-profile.js';
export { describeFault, type ScriptedFault, type Trigger } from './scripted-fault.js';
