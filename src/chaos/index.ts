export { FaultEngine, findProfile, type FaultEngineImage, type Kill, type Moment } from './fault-engine.js';
export { combineProfiles, FAULT_PROFILES, type FaultProfile } from './fault-profile.js';
export { describeFault, type ScriptedFault } from './scripted-fault.js';
