import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  HUGGING_FACE_DOWNLOAD_HOSTS,
  modelConnectSources,
} from './content-security-policy';

describe('modelConnectSources', () => {
  it('adds nothing for models on the app’s own origin', () => {
    expect(modelConnectSources(undefined, undefined)).toEqual([]);
    expect(modelConnectSources('', ' ')).toEqual([]);
    expect(modelConnectSources('models/', undefined)).toEqual([]);
    expect(modelConnectSources('../models-host/models/', undefined)).toEqual([]);
    expect(modelConnectSources('/weights/', undefined)).toEqual([]);
  });

  it('adds the origin of an absolute model host, without its path', () => {
    expect(modelConnectSources('https://models.example.com/llama/', undefined)).toEqual([
      'https://models.example.com',
    ]);
    expect(modelConnectSources('//cdn.example.org:8443/x/', undefined)).toEqual([
      'https://cdn.example.org:8443',
    ]);
  });

  it('adds Hugging Face’s download hosts for a Hugging Face account', () => {
    expect(modelConnectSources('https://huggingface.co/someone/', undefined)).toEqual([
      'https://huggingface.co',
      ...HUGGING_FACE_DOWNLOAD_HOSTS,
    ]);
    expect(modelConnectSources('https://hf.co/someone/', undefined)).toEqual([
      'https://hf.co',
      ...HUGGING_FACE_DOWNLOAD_HOSTS,
    ]);
    expect(modelConnectSources('https://nothuggingface.co/x/', undefined)).toEqual([
      'https://nothuggingface.co',
    ]);
  });

  it('adds the deployer’s extra sources, and refuses anything that could change the policy', () => {
    expect(
      modelConnectSources(
        'https://models.example.com/',
        'https://*.cdn.example.com  https://b.example.net:444',
      ),
    ).toEqual(['https://models.example.com', 'https://*.cdn.example.com', 'https://b.example.net:444']);
    for (const bad of [
      "https://a.com; script-src 'unsafe-inline'",
      '*',
      "'unsafe-eval'",
      'https://a.com/path',
    ]) {
      expect(() => modelConnectSources(undefined, bad)).toThrow(/VITE_MODEL_CONNECT_SRC/);
    }
    expect(() => modelConnectSources('ftp://example.com/', undefined)).toThrow(/VITE_MODEL_BASE_URL/);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows the app’s own files, WebAssembly compilation, and the model host; nothing inline', () => {
    expect(contentSecurityPolicy({ connectSources: ['https://huggingface.co'], delivery: 'meta' })).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
        "connect-src 'self' blob: data: https://huggingface.co; img-src 'self' data: blob:; style-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'",
    );
  });

  it('forbids framing only in the header, where browsers honour it', () => {
    const meta = contentSecurityPolicy({ connectSources: [], delivery: 'meta' });
    expect(contentSecurityPolicy({ connectSources: [], delivery: 'header' })).toBe(
      `${meta}; frame-ancestors 'none'`,
    );
  });

  it('is the policy public/_headers ships for same-origin models', () => {
    const headers = readFileSync('public/_headers', 'utf8');
    const line = /^[ \t]+Content-Security-Policy: (.*)$/m.exec(headers)?.[1];
    expect(line).toBe(contentSecurityPolicy({ connectSources: [], delivery: 'header' }));
  });
});
