/** A small outlined button beside text: a secondary action on a line of its own (reload, forget). */
export const smallOutlinedButton =
  'rounded-lg px-2 py-1 text-sm ring-1 ring-stone-300 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:outline-none dark:ring-stone-700 dark:hover:bg-stone-800';

/** A select of the settings dialog. */
export const settingsSelect =
  'max-w-full rounded-lg border border-stone-300 bg-white px-2 py-1 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-stone-700 dark:bg-stone-900';
