// Terminal output without its escape sequences, for a log meant to be read: colours, cursor
// moves and titles (CSI, OSC, two-byte ESC sequences) are dropped, CR LF becomes LF, and other
// control bytes but tab and line feed go. Stateful, so a sequence cut between chunks is still
// recognised.

const ESC = 0x1b;
const BEL = 0x07;

type State = 'text' | 'esc' | 'csi' | 'osc' | 'osc-esc';

export class EscapeStripper {
  private state: State = 'text';

  strip(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    let length = 0;
    for (const byte of data) {
      switch (this.state) {
        case 'text':
          if (byte === ESC) this.state = 'esc';
          else if (byte >= 0x20 || byte === 0x0a || byte === 0x09) out[length++] = byte;
          break;
        case 'esc':
          this.state = byte === 0x5b ? 'csi' : byte === 0x5d ? 'osc' : 'text';
          break;
        case 'csi':
          // Parameters and intermediates run to a final byte from @ to ~.
          if (byte >= 0x40 && byte <= 0x7e) this.state = 'text';
          break;
        case 'osc':
          if (byte === BEL) this.state = 'text';
          else if (byte === ESC) this.state = 'osc-esc';
          break;
        case 'osc-esc':
          this.state = byte === 0x5c ? 'text' : 'osc';
          break;
      }
    }
    return out.subarray(0, length);
  }
}
