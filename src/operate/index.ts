export { BadRunError, openRun, type OpenRun } from './open-run.js';
export { listSagas, SAGA_STATUSES, showSaga, type SagaDetail, type SagaSummary } from './saga-view.js';
export { messageRoutes, type MessageRoutes, type MessageStory } from './message-story.js';
export { prepareResume, type ResumableRun } from './resume-run.js';
export { describeStoppedWorld, type StoppedWorld } from './stopped-world.js';
export { actOnDeadLetter, listDeadLetters, type DeadLetterAction, type DeadLetterEntry } from './dead-letters.js';
export { decideOnOrder, type Decision } from './approvals.js';
export { sagaSequenceDiagram } from './sequence-diagram.js';
export { diffRuns, type ComparedRun, type RunDiff } from './run-diff.js';
