// Acceptance: the example's generated models (apis/*.models.ts) and its client of the audit service
// (clients/audit.client.ts) are what `pym gen` writes from the specs today.
import { runLibraryPym } from './helpers/library-service';

test('`pym gen --check` exits 0: the models module of each of the 5 specs and the audit client are committed and up to date', async () => {
  const { code, stdout, stderr } = await runLibraryPym(['gen', '--check']);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toBe('generated models are up to date (5 specs, 1 client)\n');
});
