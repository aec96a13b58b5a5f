import type { TraceEntryDto } from '../../native/api/index.js';
import { COMMAND_WORDS, OPTION_WORDS, unknownOption, type OptionWords } from './options.js';
import { capitalized, type Parties, type Party } from './parties.js';
import { readSubnegotiation } from './subnegotiation.js';

// A trace read as a conversation: each line is a request, an answer to one (agreeing,
// refusing or acknowledging, by the RFC 1143 Q method), a repeat that changes nothing, a
// subnegotiation or a command; and every line gets its sentence. The ladder and the
// explanation panel both draw from this.

export type Verb = 'WILL' | 'WONT' | 'DO' | 'DONT';

export type StepKind = 'request' | 'agree' | 'refuse' | 'acknowledge' | 'repeat' | 'subnegotiation' | 'command';

export interface Step {
  readonly index: number;
  readonly entry: TraceEntryDto;
  readonly kind: StepKind;
  /** The label without direction, short names: "DO SGA", "SB NAWS 80×24". */
  readonly label: string;
  /** The other half of a request/answer pair, by index. */
  readonly pairedWith?: number;
  /** The sentence: who asked, what, and what the class will see. */
  readonly explanation: string;
}

interface Pending {
  readonly index: number;
  readonly from: 'SENT' | 'RCVD';
  readonly positive: boolean;
}

const NEGOTIATION = /^(SENT|RCVD) (WILL|WONT|DO|DONT) (\S+)$/;

export function readNegotiation(entries: readonly TraceEntryDto[], parties: Parties): Step[] {
  const steps: Step[] = [];
  // Per option and owner ("ECHO server"): what is in force, and a question awaiting its answer.
  const enabled = new Set<string>();
  const pending = new Map<string, Pending>();
  const sbPending = new Map<string, { readonly index: number; readonly from: 'SENT' | 'RCVD' }>();
  const link = (index: number, other: number): void => {
    steps[other] = { ...steps[other]!, pairedWith: index };
  };

  entries.forEach((entry, index) => {
    const sender = entry.direction === 'SENT' ? parties.sent : parties.rcvd;
    const receiver = entry.direction === 'SENT' ? parties.rcvd : parties.sent;
    const negotiation = NEGOTIATION.exec(entry.short);
    if (negotiation) {
      const verb = negotiation[2] as Verb;
      const option = negotiation[3]!;
      const positive = verb === 'WILL' || verb === 'DO';
      const owner = verb === 'WILL' || verb === 'WONT' ? sender : receiver;
      const key = `${option} ${owner.role}`;
      const question = pending.get(key);
      let kind: StepKind;
      if (question && question.from !== entry.direction) {
        kind = question.positive ? (positive ? 'agree' : 'refuse') : 'acknowledge';
        pending.delete(key);
        link(index, question.index);
      } else if (positive === enabled.has(key)) {
        kind = 'repeat';
      } else {
        kind = 'request';
        pending.set(key, { index, from: entry.direction, positive });
      }
      // TIMING-MARK is a question, not a mode: its answer leaves nothing switched on.
      if (option !== 'TM' && kind !== 'repeat' && kind !== 'request') {
        if (kind === 'agree') enabled.add(key);
        else enabled.delete(key);
      } else if (option !== 'TM' && kind === 'request' && !positive) {
        // A request to turn off takes effect at once (RFC 854: it may not be refused).
        enabled.delete(key);
      }
      const pairedWith = kind === 'request' || kind === 'repeat' ? undefined : question!.index;
      steps.push({
        index,
        entry,
        kind,
        label: `${verb} ${option}`,
        ...(pairedWith === undefined ? {} : { pairedWith }),
        explanation: explainNegotiation(verb, option, kind, sender, receiver),
      });
      return;
    }
    if (/^(SENT|RCVD) SB /.test(entry.short)) {
      const sub = readSubnegotiation(entry);
      let pairedWith: number | undefined;
      if (sub.answers !== undefined) {
        const key = `${sub.option} ${sub.answers}`;
        const question = sbPending.get(key);
        if (question && question.from !== entry.direction) {
          pairedWith = question.index;
          sbPending.delete(key);
          link(index, question.index);
        }
      }
      if (sub.asks !== undefined) sbPending.set(`${sub.option} ${sub.asks}`, { index, from: entry.direction });
      steps.push({
        index,
        entry,
        kind: 'subnegotiation',
        label: sub.label,
        ...(pairedWith === undefined ? {} : { pairedWith }),
        explanation: sub.explain(sender, receiver),
      });
      return;
    }
    const command = entry.short.replace(/^(SENT|RCVD) IAC /, '');
    const words = COMMAND_WORDS[command];
    steps.push({
      index,
      entry,
      kind: 'command',
      label: command,
      explanation: `${capitalized(sender.name)} sends ${command}${words ? `, ${words(sender, receiver)}` : `, a command Revtel does not know`}.`,
    });
  });
  return steps;
}

function explainNegotiation(verb: Verb, option: string, kind: StepKind, sender: Party, receiver: Party): string {
  if (option === 'TM') return explainTimingMark(verb, kind, sender, receiver);
  const owner = verb === 'WILL' || verb === 'WONT' ? sender : receiver;
  const other = owner === sender ? receiver : sender;
  const words = OPTION_WORDS[option] ?? unknownOption(option);
  const act = words.act(owner, other);
  const stop = words.undo ?? `no longer ${act}`;
  const S = capitalized(sender.name);
  const R = receiver.name;
  const then = (effect: OptionWords['on']): string => {
    const text = effect?.(owner, other);
    return text ? `. ${capitalized(text)}.` : '.';
  };
  switch (`${kind} ${verb}`) {
    case 'request WILL': return `${S} offers to ${act}.`;
    case 'request DO': return `${S} asks ${R} to ${act}.`;
    case 'request WONT': return `${S} announces that it will ${stop}${then(words.off)}`;
    case 'request DONT': return `${S} tells ${R} ${words.undo ? `to ${words.undo}` : `that it is no longer to ${act}`}${then(words.off)}`;
    case 'agree WILL': return `${S} agrees to ${act}${then(words.on)}`;
    case 'agree DO': return `${S} agrees that ${R} will ${act}${then(words.on)}`;
    case 'refuse WONT': return `${S} refuses to ${act}${then(words.off)}`;
    case 'refuse DONT': return `${S} refuses to let ${R} ${act}${then(words.off)}`;
    case 'acknowledge WONT': return `${S} confirms that it will ${stop}.`;
    case 'acknowledge DONT': return `${S} confirms that ${R} will ${stop}.`;
    case 'repeat WILL': return `${S} says again that it will ${act}; that is already so, so nothing changes and no answer is due (RFC 1143).`;
    case 'repeat DO': return `${S} asks again for ${R} to ${act}; that is already so, so nothing changes and no answer is due (RFC 1143).`;
    case 'repeat WONT': return `${S} says that it will not ${act}; that is already so, so nothing changes.`;
    default: return `${S} tells ${R} not to ${act}; ${R} already does not, so nothing changes.`;
  }
}

// RFC 860: DO TIMING-MARK asks the other side to answer once it has processed everything
// before it; WILL or WONT is the answer, and nothing stays switched on.
function explainTimingMark(verb: Verb, kind: StepKind, sender: Party, receiver: Party): string {
  const S = capitalized(sender.name);
  if (verb === 'DO' && kind === 'agree') return `${S} accepts the timing mark ${receiver.name} sent; nothing stays switched on.`;
  if (verb === 'DO') return `${S} asks ${receiver.name} for a timing mark: ${receiver.name} is to answer once it has dealt with everything sent before this point (servers use it to throw away output after an interrupt).`;
  if (verb === 'DONT') return `${S} tells ${receiver.name} that no timing mark is wanted.`;
  if (kind === 'agree') return `${S} answers the timing mark: everything sent before it has been dealt with. TIMING-MARK is a question, not a mode, so nothing stays switched on.`;
  if (kind === 'refuse') return `${S} answers the timing mark with WONT: it does not take part, but the answer still marks the point reached.`;
  return verb === 'WILL'
    ? `${S} sends a timing mark of its own accord: everything before it has been dealt with.`
    : `${S} says it will not send timing marks.`;
}
