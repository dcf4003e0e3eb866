/**
 * The names and descriptions of AMIs (DescribeImages), which say which login to guess and
 * whether it is a Deep Learning AMI. An AMI's name and description never change, so answers
 * are kept for the catalog's life. Looking images up is a nicety: without the permission
 * (ec2:DescribeImages denied), or for a deregistered AMI, instances are listed all the same,
 * with what the instance itself says (platform details).
 */
import { DescribeImagesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ImageRecord } from './machine';

/** EC2 takes at most 200 values per filter. */
const BATCH = 100;

export class ImageCatalog {
  private readonly known = new Map<string, ImageRecord | null>();
  /** Set once DescribeImages was refused: no point asking again for every listing. */
  private denied = false;

  /** Records for these AMI ids; null for the ones that cannot be looked up. */
  async lookup(client: EC2Client, imageIds: readonly string[], signal?: AbortSignal): Promise<Map<string, ImageRecord | null>> {
    const missing = [...new Set(imageIds)].filter((id) => id !== '' && !this.known.has(id));
    if (!this.denied) {
      for (let i = 0; i < missing.length; i += BATCH) {
        const batch = missing.slice(i, i + BATCH);
        try {
          // A filter, not ImageIds: an unknown id in ImageIds fails the whole call (InvalidAMIID.NotFound).
          const out = await client.send(new DescribeImagesCommand({ Filters: [{ Name: 'image-id', Values: batch }], IncludeDeprecated: true }), { abortSignal: signal });
          for (const image of out.Images ?? []) {
            if (image.ImageId) this.known.set(image.ImageId, { name: image.Name ?? null, description: image.Description ?? null, platformDetails: image.PlatformDetails ?? null });
          }
          for (const id of batch) if (!this.known.has(id)) this.known.set(id, null);
        } catch (error) {
          if ((error as { name?: string }).name === 'AbortError') throw error;
          if (/Unauthorized|AccessDenied/.test((error as { name?: string }).name ?? '')) this.denied = true;
          // Anything else (throttled after retries, a hiccup): try again next listing.
          break;
        }
      }
    }
    return new Map(imageIds.map((id) => [id, this.known.get(id) ?? null]));
  }
}
