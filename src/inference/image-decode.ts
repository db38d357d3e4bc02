import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { errorMessage, InferenceError } from './errors.js';
import type { RgbImage } from './image-tensor.js';

/** Limits checked before a picture is decoded (a small file can claim a huge picture). */
export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

export type ImageFormat = 'png' | 'jpeg' | 'ppm';

/** The format by its magic bytes, or null. */
export function imageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x36) return 'ppm';
  return null;
}

export const IMAGE_CONTENT_TYPES: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', ppm: 'image/x-portable-pixmap' };

/**
 * Decodes PNG, JPEG or binary PPM (raw RGB with a header) into packed RGB.
 * Rejects with IMAGE_TOO_LARGE (bytes or pixels over the limits, checked
 * from the header before decoding), IMAGE_UNSUPPORTED (another format) or
 * IMAGE_CORRUPT (the decoder failed); never throws anything else.
 */
export function decodeImage(bytes: Uint8Array, limits: ImageLimits): RgbImage {
  if (bytes.length > limits.maxBytes) throw new InferenceError('IMAGE_TOO_LARGE', `the image is ${bytes.length} bytes, more than the ${limits.maxBytes} allowed (camera maxImageBytes)`);
  const format = imageFormat(bytes);
  if (!format) throw new InferenceError('IMAGE_UNSUPPORTED', 'the file is not a PNG, JPEG or binary PPM image; configure the vision system to save one of those');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  switch (format) {
    case 'png':
      return decodePng(buf, limits);
    case 'jpeg':
      return decodeJpeg(buf, limits);
    case 'ppm':
      return decodePpm(buf, limits);
  }
}

function checkPixels(width: number, height: number, limits: ImageLimits): void {
  if (!(width > 0 && height > 0)) throw new InferenceError('IMAGE_CORRUPT', `the image header gives a size of ${width}×${height}`);
  if (width * height > limits.maxPixels) throw new InferenceError('IMAGE_TOO_LARGE', `the image is ${width}×${height} pixels, more than the ${limits.maxPixels} allowed (camera maxPixels)`);
}

function decodePng(buf: Buffer, limits: ImageLimits): RgbImage {
  if (buf.length < 24 || buf.toString('ascii', 12, 16) !== 'IHDR') throw new InferenceError('IMAGE_CORRUPT', 'the PNG has no IHDR header; the file is damaged or truncated');
  checkPixels(buf.readUInt32BE(16), buf.readUInt32BE(20), limits);
  let png: PNG;
  try {
    png = PNG.sync.read(buf);
  } catch (cause) {
    throw new InferenceError('IMAGE_CORRUPT', `the PNG cannot be decoded: ${errorMessage(cause)}; the file is damaged or truncated`, { cause });
  }
  const { width, height, data } = png;
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; p < width * height; p++, q += 4) {
    rgb[p * 3] = data[q]!;
    rgb[p * 3 + 1] = data[q + 1]!;
    rgb[p * 3 + 2] = data[q + 2]!;
  }
  return { width, height, rgb };
}

function decodeJpeg(buf: Buffer, limits: ImageLimits): RgbImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: limits.maxPixels / 1e6, maxMemoryUsageInMB: Math.max(64, Math.ceil((limits.maxPixels * 8) / 1e6)) });
  } catch (cause) {
    const msg = errorMessage(cause);
    if (/maxResolutionInMP|maxMemoryUsage/i.test(msg)) throw new InferenceError('IMAGE_TOO_LARGE', `the JPEG is larger than the ${limits.maxPixels} pixels allowed (camera maxPixels)`, { cause });
    throw new InferenceError('IMAGE_CORRUPT', `the JPEG cannot be decoded: ${msg}; the file is damaged or truncated`, { cause });
  }
  checkPixels(img.width, img.height, limits);
  if (img.data.length !== img.width * img.height * 3) throw new InferenceError('IMAGE_CORRUPT', 'the JPEG decoded to an unexpected number of bytes');
  return { width: img.width, height: img.height, rgb: img.data };
}

function decodePpm(buf: Buffer, limits: ImageLimits): RgbImage {
  // "P6 <width> <height> <maxval>" and one whitespace byte, then raw RGB; comments start with #.
  const fields: number[] = [];
  let i = 2;
  while (fields.length < 3 && i < buf.length && i < 1024) {
    const c = buf[i]!;
    if (c === 0x23) while (i < buf.length && buf[i] !== 0x0a) i++;
    else if (c >= 0x30 && c <= 0x39) {
      let n = 0;
      while (i < buf.length && buf[i]! >= 0x30 && buf[i]! <= 0x39) n = n * 10 + buf[i++]! - 0x30;
      fields.push(n);
      continue;
    }
    i++;
  }
  const [width = 0, height = 0, maxval = 0] = fields;
  if (fields.length < 3 || maxval !== 255) throw new InferenceError('IMAGE_CORRUPT', 'the PPM header is not "P6 <width> <height> 255"; only 8-bit binary PPM is read');
  checkPixels(width, height, limits);
  const start = i + 1;
  if (buf.length < start + width * height * 3) throw new InferenceError('IMAGE_CORRUPT', `the PPM is truncated: ${buf.length - start} bytes of pixels for ${width}×${height}`);
  return { width, height, rgb: new Uint8Array(buf.subarray(start, start + width * height * 3)) };
}
