export { ALL_DEFENCES, DEFENCE_NAMES, defenceFlag, parseDefence, withDisabled, type DefenceName, type Defences } from './defences.js';
