// LoanStore kept in Maps: loans of a single process. A Redis-backed LoanStore will replace it so that
// a background worker process can write loans too; nothing outside src/store depends on this class.
import type { LoanRecord, LoanStore, OpenLoanOutcome } from './loan-store';

/** An in-process LoanStore. Its contents are lost when the process exits. */
export class InMemoryLoanStore implements LoanStore {
  private readonly loans = new Map<string, LoanRecord>();
  /** bookId → id of its open loan. */
  private readonly openLoanIds = new Map<string, string>();

  async open(loan: LoanRecord): Promise<OpenLoanOutcome> {
    // No await between the check and the write: in one process this is atomic.
    const currentId = this.openLoanIds.get(loan.bookId);
    if (currentId !== undefined) return { opened: false, current: structuredClone(this.loans.get(currentId)!) };
    this.loans.set(loan.id, structuredClone(loan));
    this.openLoanIds.set(loan.bookId, loan.id);
    return { opened: true, loan: structuredClone(loan) };
  }

  async get(loanId: string): Promise<LoanRecord | undefined> {
    const loan = this.loans.get(loanId);
    return loan && structuredClone(loan);
  }

  async openLoanOf(bookId: string): Promise<LoanRecord | undefined> {
    const loanId = this.openLoanIds.get(bookId);
    return loanId === undefined ? undefined : structuredClone(this.loans.get(loanId)!);
  }

  async listAll(): Promise<LoanRecord[]> {
    return this.newestFirst([...this.loans.values()]);
  }

  async listByMember(memberId: string): Promise<LoanRecord[]> {
    return this.newestFirst([...this.loans.values()].filter((loan) => loan.memberId === memberId));
  }

  /** Copies of `loans` (in insertion order), most recent first. */
  private newestFirst(loans: LoanRecord[]): LoanRecord[] {
    // Newest insertion first, so that loans opened in the same millisecond still list most recent first.
    return loans
      .reverse()
      .sort((a, b) => b.borrowedAt.getTime() - a.borrowedAt.getTime())
      .map((loan) => structuredClone(loan));
  }

  async close(loanId: string, returnedAt: Date): Promise<LoanRecord | undefined> {
    const loan = this.loans.get(loanId);
    if (loan === undefined || loan.returnedAt !== undefined) return undefined;
    loan.returnedAt = new Date(returnedAt);
    this.openLoanIds.delete(loan.bookId);
    return structuredClone(loan);
  }
}
