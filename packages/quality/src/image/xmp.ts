const xmpNamespace = 'http://ns.adobe.com/xap/1.0/\0';

const escapeXml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Metadata written into the XMP packet. */
export interface XmpFields {
  /** IPTC Digital Source Type URI (Iptc4xmpExt:DigitalSourceType). */
  digitalSourceType?: string;
  /** dc:description (x-default). */
  description?: string;
}

/** An XMP packet with the IPTC Digital Source Type and a description. */
export function buildXmpPacket(fields: XmpFields): string {
  const lines = [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about=""',
    '    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"',
    '    xmlns:dc="http://purl.org/dc/elements/1.1/">',
  ];
  if (fields.digitalSourceType) {
    lines.push(
      `   <Iptc4xmpExt:DigitalSourceType>${escapeXml(fields.digitalSourceType)}</Iptc4xmpExt:DigitalSourceType>`,
    );
  }
  if (fields.description !== undefined) {
    lines.push(
      `   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(fields.description)}</rdf:li></rdf:Alt></dc:description>`,
    );
  }
  lines.push('  </rdf:Description>', ' </rdf:RDF>', '</x:xmpmeta>', '<?xpacket end="w"?>');
  return lines.join('\n');
}

/** The XMP packet inside a JPEG (its APP1 segment), or `undefined`. */
export function readJpegXmp(jpeg: Uint8Array): string | undefined {
  for (const segment of jpegSegments(jpeg)) {
    if (segment.marker === 0xe1 && startsWith(jpeg, segment.dataStart, xmpNamespace)) {
      return new TextDecoder().decode(jpeg.subarray(segment.dataStart + xmpNamespace.length, segment.end));
    }
  }
  return undefined;
}

/** The IPTC Digital Source Type in an XMP packet, or `undefined`. */
export function digitalSourceTypeOf(xmp: string | undefined): string | undefined {
  if (!xmp) return undefined;
  const element = xmp.match(/<Iptc4xmpExt:DigitalSourceType>([^<]*)<\/Iptc4xmpExt:DigitalSourceType>/);
  if (element) return element[1];
  return xmp.match(/Iptc4xmpExt:DigitalSourceType="([^"]*)"/)?.[1];
}

/**
 * Replaces the XMP packet of a JPEG without re-encoding its pixels: drops existing XMP APP1 segments and inserts
 * a new one after the JFIF/EXIF headers. Returns `undefined` when `jpeg` is not a well-formed JPEG.
 */
export function replaceJpegXmp(jpeg: Uint8Array, packet: string): Uint8Array | undefined {
  const payload = new TextEncoder().encode(xmpNamespace + packet);
  if (payload.length + 2 > 0xffff) throw new RangeError('The XMP packet is too large for one JPEG segment (64 KB).');
  const segments = [...jpegSegments(jpeg)];
  const scan = segments.find((s) => s.marker === 0xda);
  if (!scan) return undefined;
  const keep = segments.filter(
    (s) => s.marker !== 0xda && !(s.marker === 0xe1 && startsWith(jpeg, s.dataStart, xmpNamespace)),
  );
  // Insert after APP0 (JFIF) and APP1 (EXIF) when present, as readers expect them first.
  let insertAfter = 0;
  keep.forEach((s, i) => {
    if (s.marker === 0xe0 || s.marker === 0xe1) insertAfter = i + 1;
  });
  const segment = new Uint8Array(4 + payload.length);
  segment.set([0xff, 0xe1, ((payload.length + 2) >> 8) & 0xff, (payload.length + 2) & 0xff]);
  segment.set(payload, 4);
  const parts: Uint8Array[] = [jpeg.subarray(0, 2)];
  keep.forEach((s, i) => {
    if (i === insertAfter) parts.push(segment);
    parts.push(jpeg.subarray(s.start, s.end));
  });
  if (insertAfter >= keep.length) parts.push(segment);
  parts.push(jpeg.subarray(scan.start));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

interface Segment {
  marker: number;
  start: number;
  dataStart: number;
  end: number;
}

function* jpegSegments(jpeg: Uint8Array): Generator<Segment> {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return;
  let pos = 2;
  while (pos + 4 <= jpeg.length) {
    if (jpeg[pos] !== 0xff) return;
    const marker = jpeg[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    const length = (jpeg[pos + 2]! << 8) | jpeg[pos + 3]!;
    const end = pos + 2 + length;
    if (end > jpeg.length) return;
    yield { marker, start: pos, dataStart: pos + 4, end };
    if (marker === 0xda) return;
    pos = end;
  }
}

function startsWith(bytes: Uint8Array, offset: number, text: string): boolean {
  if (offset + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}
