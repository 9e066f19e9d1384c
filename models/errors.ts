// The face pipeline's one error type: a code for callers and words for people.
export type FaceErrorCode = 'bad-image' | 'models-missing' | 'model-failed' | 'worker-failed';

export class FaceError extends Error {
  constructor(
    readonly code: FaceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FaceError';
  }
}
