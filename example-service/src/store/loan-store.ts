// The loans' storage contract. Kept small and atomic on purpose: a Redis-backed store, shared with a
// background worker process, must be able to implement each method as one Redis transaction.

/** A stored loan. Open (the book is out) until `returnedAt` is set. */
export interface LoanRecord {
  id: string;
  bookId: string;
  /** The borrower's user id. */
  memberId: string;
  borrowedAt: Date;
  dueAt: Date;
  returnedAt?: Date;
}

/** What `LoanStore.open` did: opened the loan, or found the book already lent by `current`. */
export type OpenLoanOutcome = { opened: true; loan: LoanRecord } | { opened: false; current: LoanRecord };

/** Where loans live. Every method returns copies: changing a returned record changes nothing stored. */
export interface LoanStore {
  /**
   * Record a new loan unless its book already has an open one: the check and the write are one
   * atomic step, so two members borrowing the same book at once cannot both succeed.
   */
  open(loan: LoanRecord): Promise<OpenLoanOutcome>;
  /** The loan with this id, if any. */
  get(loanId: string): Promise<LoanRecord | undefined>;
  /** The open loan of a book, if it is out. */
  openLoanOf(bookId: string): Promise<LoanRecord | undefined>;
  /** Every loan, open and returned, most recent first (for reports). */
  listAll(): Promise<LoanRecord[]>;
  /** A member's loans, open and returned, most recent first. */
  listByMember(memberId: string): Promise<LoanRecord[]>;
  /**
   * Mark an open loan returned at `returnedAt` (the book can be lent again) and return it;
   * undefined when there is no such loan or it was already returned.
   */
  close(loanId: string, returnedAt: Date): Promise<LoanRecord | undefined>;
}
