/**
 * The pure engine helpers the page draws with (plain data in, plain data out, no tfjs): the
 * explorer's point budget and layout-time estimate, the loss curve's points, the groups of a
 * coefficient heatmap. ui imports them from here, never from src/engine, so the layer rule
 * "ui imports the worker contract and the state only" holds.
 */
export { DEFAULT_BUDGET } from '../engine/embed/constants';
export { estimateLayoutSeconds } from '../engine/embed/estimate';
export { type LossSeries, lossPoints } from '../engine/train/loss-series';
export { tensorGroups } from '../engine/trained/coefficients-json';
