import { type DragEvent, useId, useRef, useState } from 'react';

/** A drop target and a file picker for images; hands the chosen files to `onFiles`. */
export function UploadDropZone({
  label,
  description,
  disabled,
  onFiles,
}: {
  /** Names the picker, e.g. `Upload source photos`. */
  label: string;
  description: string;
  disabled?: boolean;
  onFiles(files: File[]): void;
}) {
  const inputId = useId();
  const descriptionId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  function drop(event: DragEvent<HTMLFieldSetElement>) {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const files = [...event.dataTransfer.files];
    if (files.length > 0) onFiles(files);
  }

  return (
    <fieldset
      aria-label={`${label}: drop zone`}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      className={`min-w-0 rounded-lg border-2 border-dashed p-4 text-center transition-colors ${
        over ? 'border-indigo-600 bg-indigo-50' : 'border-slate-300 bg-white'
      }`}
    >
      <p id={descriptionId} className="mb-2 text-sm text-slate-700">
        {description} Drop images here, or
      </p>
      <label
        htmlFor={inputId}
        className="inline-block cursor-pointer rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-900 has-[:focus-visible]:outline-3 has-[:focus-visible]:outline-indigo-600"
      >
        {label}
        <input
          ref={input}
          id={inputId}
          type="file"
          multiple
          accept="image/jpeg,image/png,image/webp"
          disabled={disabled}
          aria-describedby={descriptionId}
          className="sr-only"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            if (files.length > 0) onFiles(files);
            if (input.current) input.current.value = '';
          }}
        />
      </label>
    </fieldset>
  );
}
