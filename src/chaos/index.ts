export { FaultEngine, findProfile, type FaultEngineOptions, type Kill, type Moment } from './fault-engine.js';
export { combineProfiles, FAULT_PROFILES, type FaultProfile } from './fault-profile.js';
export { describeFault, type KillMoment, type ScriptedFault, type Trigger } from './scripted-fault.js';
