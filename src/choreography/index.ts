export { choreographed } from './reacting-service.js';
export { JANITOR_SNAPSHOT, janitorComponent } from './janitor.js';
export { PROJECTION, PROJECTION_SNAPSHOT, rebuildView } from './projection.js';
