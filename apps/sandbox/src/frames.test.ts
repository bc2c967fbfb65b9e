import { FrameDecoder, FrameTooLargeError, encodeFrame } from './frames';

describe('frames', () => {
  it('round-trips messages split across arbitrary chunks', () => {
    const messages = [{ a: 1 }, { text: 'héllo ✓ \u0000' }, { big: 'x'.repeat(70_000) }];
    const bytes = Buffer.concat(messages.map(encodeFrame));
    const decoder = new FrameDecoder(1 << 20);
    const out: unknown[] = [];
    for (let i = 0; i < bytes.length; i += 7) out.push(...decoder.push(bytes.subarray(i, i + 7)));
    expect(out).toEqual(messages);
  });

  it('refuses frames above the limit before buffering them', () => {
    const decoder = new FrameDecoder(10);
    expect(() => decoder.push(encodeFrame({ text: 'more than ten bytes' }).subarray(0, 4))).toThrow(
      FrameTooLargeError,
    );
  });
});
