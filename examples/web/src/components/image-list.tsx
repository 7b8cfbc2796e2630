import type { ImageView } from '../api/studio-api.js';

/** Thumbnails of uploaded images with their names and the quality checks' findings. */
export function ImageList({ images, label }: { images: ImageView[]; label: string }) {
  if (images.length === 0) return <p className="text-sm text-slate-600">No {label.toLowerCase()} yet.</p>;
  return (
    <ul aria-label={label} className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
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
          {image.findings.length === 0 ? (
            <p className="text-emerald-800">Checks passed</p>
          ) : (
            <ul className="text-amber-900">
              {image.findings.map((finding) => (
                <li key={finding}>{finding}</li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
