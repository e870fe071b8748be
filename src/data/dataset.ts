import type { Mat } from '../linalg/mat.js';

/** A supervised data set in float64, as every consumer of the core sees it. */
export interface Dataset {
  /** N × n0 training inputs. */
  xTrain: Mat;
  /** N × k training targets. */
  yTrain: Mat;
  /** M × n0 test inputs. */
  xTest: Mat;
  /** M × k test targets. */
  yTest: Mat;
  /** P × n0 probe inputs (e.g. points on the circle) for kernel rows as a function of the input. */
  probe?: Mat;
}
