import type { Locale } from '../../../contracts/auth.js';
import type { CheckOutcome } from '../../core/checks/registry.js';
import { words } from '../../core/notify/catalogue.js';
import { hkTime } from '../../core/hk-time.js';

/** What the governance module writes to people by e-mail, in their language, with the web's words (never a code). */

export const localeDate = (locale: Locale, at: Date): string => (locale === 'en' ? hkTime(at).date : hkTime(at).dateZh);

/** A check's title as the dashboard shows it; the memo item's title should a check have no title of its own. */
export function checkTitle(locale: Locale, c: Pick<CheckOutcome, 'key' | 'memo'>): string {
  return words(locale, `checkTitles.${c.key.replaceAll('.', '_')}`, {}, words(locale, `dashboard.items.${c.memo}`));
}

/** One line a person reads about a check: memo item, title, status, summary and due date. */
export function checkLines(locale: Locale, c: CheckOutcome): string[] {
  const lines = [
    words(locale, 'digest.line', { memo: c.memo, title: checkTitle(locale, c), status: words(locale, `dashboard.status.${c.status}`) }),
  ];
  const summary = words(locale, c.summaryKey, c.params);
  if (summary) lines.push(`  ${summary}`);
  if (c.due) lines.push(`  ${words(locale, 'digest.due', { date: localeDate(locale, new Date(c.due)) })}`);
  return lines;
}

export interface Mail {
  subject: string;
  body: string;
}

/** The day's one message to a person: every check that needs them. */
export function digestMail(locale: Locale, name: string, day: Date, checks: readonly CheckOutcome[]): Mail {
  const date = localeDate(locale, day);
  return {
    subject: words(locale, 'digest.subject', { date, count: checks.length }),
    body: [
      words(locale, 'digest.greeting', { name }),
      '',
      words(locale, 'digest.intro', { count: checks.length, date }),
      '',
      ...checks.flatMap((c) => [...checkLines(locale, c), '']),
      words(locale, 'digest.outro'),
    ].join('\n'),
  };
}

/** For an address on the notification list that is no person's: both languages, Chinese first. */
export function bilingualDigestMail(day: Date, checks: readonly CheckOutcome[]): Mail {
  const zh = digestMail('zh-HK', words('zh-HK', 'digest.listed'), day, checks);
  const en = digestMail('en', words('en', 'digest.listed'), day, checks);
  return { subject: `${zh.subject} / ${en.subject}`, body: `${zh.body}\n\n----\n\n${en.body}` };
}

/** "Someone asks you to act on this check", from the dashboard's ask button. */
export function askMail(locale: Locale, name: string, asker: string, c: CheckOutcome): Mail {
  const title = checkTitle(locale, c);
  return {
    subject: words(locale, 'digest.ask.subject', { asker, title }),
    body: [
      words(locale, 'digest.greeting', { name }),
      '',
      words(locale, 'digest.ask.body', { asker, memo: c.memo, title }),
      '',
      ...checkLines(locale, c),
      '',
      words(locale, 'digest.ask.outro'),
    ].join('\n'),
  };
}

/** A person's name as they read it: Chinese then English in Chinese, English alone in English. */
export function personName(locale: Locale, p: { display_name_zh: string | null; display_name_en: string }): string {
  return locale === 'en' ? p.display_name_en : (p.display_name_zh ?? p.display_name_en);
}
