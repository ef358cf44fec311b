export { renderHtmlReport } from './html-report.js';
export {
  drawScenario,
  RunRecorder,
  scenarioRunFacts,
  type ReportData,
  type ReportRun,
  type ReportTable,
  type RunFacts,
} from './report-data.js';
export { RowWatch, type RowChange } from './row-changes.js';
export { walkthroughOf, type Moment, type Walkthrough } from './walkthrough.js';
