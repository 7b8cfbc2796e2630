import type { ImageFacts } from '../interfaces/captioner.js';
import { imageDimensions } from './image-dimensions.js';
import type { StageContext } from './stage.js';

/**
 * What the pipeline knows about a result image, for captioners and scorers: its size (from the header, else the image
 * processor), and, when the studio has a face checker, its faces and exposure figures. Free: nothing is paid.
 */
export async function imageFactsOf(context: StageContext, image: Uint8Array, rating: string): Promise<ImageFacts> {
  const { faceChecker, imageProcessor } = context.settings;
  const size =
    imageDimensions(image) ??
    (imageProcessor ? await imageProcessor.normalize(image, { signal: context.signal }) : undefined);
  const facts: ImageFacts = { width: size?.width ?? 0, height: size?.height ?? 0, rating };
  if (faceChecker) {
    const [faces, quality] = await Promise.all([
      faceChecker.faces({ bytes: image }, { signal: context.signal }),
      faceChecker.quality({ bytes: image }, { signal: context.signal }),
    ]);
    facts.faces = faces.map((face) => face.box);
    facts.exposureMean = quality.exposureMean;
    facts.clippedShare = quality.clippedShare;
  }
  return facts;
}
