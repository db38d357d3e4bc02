export { trainPca, type PcaOptions, type PcaMetrics, type TrainedModel } from './pca-training.js';
export { trainIsolationForest, averagePathLength, type IsolationForestOptions } from './isolation-forest-training.js';
export { trainImageClassifier, imageMetrics, type ImageClassifierOptions, type ImageMetrics, type LabelledImage, type TrainedImageModel, type TrainingProgress } from './image-classifier-training.js';
export { checkTable, detectionMetrics, quantile, type TrainingTable, type DetectionMetrics } from './training-table.js';
export { OnnxGraph } from './onnx-graph.js';
export { TrainingError, type TrainingErrorCode } from './errors.js';
export { runTraining, TRAIN_KINDS, DEMO_LATHE_TAGS, DEMO_LATHE_RUNNING, type TrainKind, type TrainRequest } from './train-run.js';
export { readCsvTable, readImageCsv, simTagTable, simImages, type SimTableOptions } from './training-data.js';
export { simulateStoredSamples, SIM_EPOCH, type SimStreamOptions } from './sim-stream.js';
