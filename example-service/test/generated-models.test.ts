// Acceptance: the example's generated models (apis/*.models.ts) are what `pym gen` writes from its specs today.
import { runLibraryPym } from './helpers/library-service';

test('`pym gen --check` exits 0: the models module of each of the 4 specs is committed and up to date', async () => {
  const { code, stdout, stderr } = await runLibraryPym(['gen', '--check']);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toBe('generated models are up to date (4 specs)\n');
});
