// The texts of the library's notifications, in the members' languages.
import type { Language } from '../../apis/members.models';
import { humanDate } from '../human-date';
import { MAX_ACTIVE_LOANS } from '../lending-policy';

/** The welcome a new member gets, in the language they signed up with. */
export function welcomeMessage(name: string, language: Language): string {
  switch (language) {
    case 'fr':
      return `Bienvenue à la bibliothèque, ${name} ! Vous pouvez emprunter jusqu'à ${MAX_ACTIVE_LOANS} livres à la fois.`;
    case 'en':
      return `Welcome to the library, ${name}! You can borrow up to ${MAX_ACTIVE_LOANS} books at a time.`;
  }
}

/** The reminder of a loan: which book, and by when it must be back. */
export function loanDueMessage(title: string, dueAt: Date): string {
  return `“${title}” is due back on ${humanDate(dueAt)}, by closing time.`;
}
