import type { ImageView } from '../api/studio-api.js';

/** Uploaded images by their stored names, with thumbnails where the server signs a URL (sources). */
export function ImageList({ images, label }: { images: ImageView[]; label: string }) {
  if (images.length === 0) return <p className="text-sm text-slate-600">No {label.toLowerCase()} yet.</p>;
  return (
    <ul aria-label={label} className="grid grid-cols-2 gap-3 sm:grid-cols-3">
      {images.map((image) => (
        <li key={image.name} className="text-xs">
          {image.url ? (
            <img
              src={image.url}
              alt={image.name}
              loading="lazy"
              className="aspect-square w-full rounded object-cover"
            />
          ) : null}
          <p className="mt-1 font-mono break-all">{image.name}</p>
          {image.rating ? <p className="text-slate-600">{image.rating}</p> : null}
        </li>
      ))}
    </ul>
  );
}
