/** What the reports' group-confusion table counts (HTML and Markdown). */
export const GROUP_CONFUSIONS_NOTE =
  'Papers whose predicted group (probabilities summed per group) was not the group of their primary category. "Cross-listed" counts those with a category in the predicted group: the errors that group accuracy with cross-lists forgives.';
