// The public URLs of the library's resources, for `Location` headers (the specs' servers url is /v1).

const BASE_PATH = '/v1';

/** `/v1/books/{bookId}` */
export function bookUrl(bookId: string): string {
  return `${BASE_PATH}/books/${encodeURIComponent(bookId)}`;
}

/** `/v1/loans/{loanId}` */
export function loanUrl(loanId: string): string {
  return `${BASE_PATH}/loans/${encodeURIComponent(loanId)}`;
}

/** `/v1/members/me`: a member's profile, as its owner reads it. */
export function myProfileUrl(): string {
  return `${BASE_PATH}/members/me`;
}

/** `/v1/reports/loans/{reportId}`: a finished loan report (its task's `Location` once complete). */
export function loanReportUrl(reportId: string): string {
  return `${BASE_PATH}/reports/loans/${encodeURIComponent(reportId)}`;
}
