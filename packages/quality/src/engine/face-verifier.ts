import type { RawFace } from './face-geometry.js';
import type { FaceApi } from './load-models.js';
import type { Tf } from './load-tfjs.js';
import { cropRgb, type RgbImage } from './rgb-image.js';

/**
 * Second opinion on a doubtful face: face-api's TinyFaceDetector (a YOLO-style net trained on different data) looks
 * at a 160 px crop around it. It rejects animal faces and textures that blazeface scores just above its threshold.
 */
export class FaceVerifier {
  constructor(
    private readonly tf: Tf,
    private readonly faceapi: FaceApi,
    private readonly scoreThreshold = 0.3,
  ) {}

  /** True when the tiny detector also sees a face centred inside `face.box`. */
  async confirm(image: RgbImage, face: RawFace): Promise<boolean> {
    const { box } = face;
    const side = Math.max(box.width, box.height) * 2;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const x = Math.max(0, Math.floor(cx - side / 2));
    const y = Math.max(0, Math.floor(cy - side / 2));
    const w = Math.min(image.width, Math.ceil(cx + side / 2)) - x;
    const h = Math.min(image.height, Math.ceil(cy + side / 2)) - y;
    if (w < 8 || h < 8) return false;
    const crop = cropRgb(image, x, y, w, h);
    const tensor = this.tf.tensor3d(crop.data, [h, w, 3], 'int32');
    try {
      const found = await this.faceapi.nets.tinyFaceDetector.locateFaces(
        tensor,
        new this.faceapi.TinyFaceDetectorOptions({ inputSize: 160, scoreThreshold: this.scoreThreshold }),
      );
      return found.some((d) => {
        const fx = x + d.box.x + d.box.width / 2;
        const fy = y + d.box.y + d.box.height / 2;
        return fx >= box.x && fx <= box.x + box.width && fy >= box.y && fy <= box.y + box.height;
      });
    } finally {
      tensor.dispose();
    }
  }
}
