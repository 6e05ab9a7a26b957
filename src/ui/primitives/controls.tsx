import type { ComponentPropsWithRef } from 'react';

/**
 * The app's controls in one place: the look of every button (`Button`, or `buttonClass` for an element that
 * is not a `<button>`) and of the settings' selects. Layout (margins, position, `hidden`, `whitespace-nowrap`)
 * is the caller's, as an extra `className`, and so is a disabled look: the places that disable a button
 * show it differently (faded, greyed out, or not at all).
 */

/** Filled buttons: their background and text colour are their own. */
type FilledVariant = 'primary' | 'secondary' | 'inverse';
/** Buttons without a fill: their text takes a `tone`, the colour around them by default. */
type UnfilledVariant = 'outlined' | 'ghost' | 'link' | 'plain';
export type ButtonVariant = FilledVariant | UnfilledVariant;

/** The text colour of a button without a fill: `inherit` keeps the colour of the text around it. */
export type ButtonTone = 'inherit' | 'muted' | 'faint';

export type ButtonSize = 'xs' | 'sm' | 'icon' | 'md' | 'lg' | 'xl';

export type ButtonStyle = (
  | { readonly variant: FilledVariant; readonly tone?: never }
  | { readonly variant: UnfilledVariant; readonly tone?: ButtonTone }
) & {
  /** Rounding, padding and type size; without one, the caller's `className` gives the shape. */
  readonly size?: ButtonSize | undefined;
  /**
   * A filled button's focus ring stands 2px off it, so that it shows against the fill; `false` keeps it
   * flush, as a few buttons have always had it.
   */
  readonly ringOffset?: boolean | undefined;
};

/** Every button's keyboard focus: a teal ring in place of the browser's outline. */
const focusRing = 'focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:outline-none';

const variants: Record<ButtonVariant, string> = {
  /** The action a place is for: send, load, save, close a dialog. */
  primary: 'bg-teal-700 font-medium text-white hover:bg-teal-800',
  /** An action beside the primary one, or instead of it when it is not the point: cancel, delete, check again. */
  secondary:
    'bg-stone-200 font-medium text-stone-900 hover:bg-stone-300 dark:bg-stone-800 dark:text-stone-100 dark:hover:bg-stone-700',
  /** Dark on light (light on dark): stop an answer, jump to the latest message. */
  inverse: 'bg-stone-800 font-medium text-white hover:bg-stone-700 dark:bg-stone-200 dark:text-stone-900',
  /** A ring around text: the header's tools, and secondary actions in panels and dialogs. */
  outlined: 'ring-1 ring-stone-300 hover:bg-stone-100 dark:ring-stone-700 dark:hover:bg-stone-800',
  /** Text that fills on hover: the small actions under a message or a conversation. */
  ghost: 'hover:bg-stone-200 dark:hover:bg-stone-800',
  /** Underlined text: "더 보기", "접기". */
  link: 'underline underline-offset-2 hover:no-underline',
  /** Only the focus ring: the caller gives the whole look (an entry of the conversation list). */
  plain: '',
};

const filled: ReadonlySet<ButtonVariant> = new Set<FilledVariant>(['primary', 'secondary', 'inverse']);

const tones: Record<ButtonTone, string> = {
  inherit: '',
  muted: 'text-stone-700 dark:text-stone-300',
  faint: 'text-stone-600 dark:text-stone-400',
};

const sizes: Record<ButtonSize, string> = {
  /** The small actions under a message or a conversation, and in the list's footer. */
  xs: 'rounded-lg px-2 py-1 text-xs',
  /** The header's tools; a small action beside text. */
  sm: 'rounded-lg px-2 py-1 text-sm',
  /** A symbol as label (☰), larger than the text around it. */
  icon: 'rounded-lg px-2 py-1 text-lg leading-none',
  /** The actions of a popover or a prompt. */
  md: 'rounded-lg px-3 py-1.5 text-sm',
  /** The actions of a panel or a dialog; in the body's type size unless the caller adds one. */
  lg: 'rounded-xl px-4 py-2',
  /** As tall as the message box beside it. */
  xl: 'h-11 rounded-2xl px-4',
};

/** The classes of a button of this style, followed by the caller's own. */
export function buttonClass(style: ButtonStyle, className?: string): string {
  return classesOf(style, className);
}

export type ButtonProps = Omit<ComponentPropsWithRef<'button'>, keyof ButtonStyle> &
  ButtonStyle & {
    /** Called as the pointer or the focus reaches the button, before it is used: to fetch what it needs. */
    readonly onIntent?: () => void;
  };

/** A `<button>` of one of the app's styles: `type="button"` unless told otherwise, every other prop as given. */
export function Button({
  variant,
  tone,
  size,
  ringOffset,
  className,
  type = 'button',
  onClick,
  onIntent,
  ...props
}: ButtonProps) {
  return (
    <button
      type={type}
      className={classesOf({ variant, tone, size, ringOffset }, className)}
      onPointerEnter={onIntent}
      onFocus={onIntent}
      // A disabled button never acts: a browser sends it no click of the user's, and this leaves unanswered
      // a click a script sends (React DOM dropped those itself; Preact passes on what the browser sends).
      onClick={props.disabled === true ? undefined : onClick}
      {...props}
    />
  );
}

function classesOf(
  {
    variant,
    tone = 'inherit',
    size,
    ringOffset = filled.has(variant),
  }: {
    readonly variant: ButtonVariant;
    readonly tone?: ButtonTone | undefined;
    readonly size?: ButtonSize | undefined;
    readonly ringOffset?: boolean | undefined;
  },
  className: string | undefined,
): string {
  return [
    focusRing,
    ringOffset ? 'focus-visible:ring-offset-2' : '',
    variants[variant],
    tones[tone],
    size === undefined ? '' : sizes[size],
    className ?? '',
  ]
    .filter((part) => part !== '')
    .join(' ');
}

/** A select of the settings dialog. */
export const settingsSelect =
  'max-w-full rounded-lg border border-stone-300 bg-white px-2 py-1 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-stone-700 dark:bg-stone-900';
