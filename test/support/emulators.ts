// The emulator helpers live with the local topology that also uses them; tests import them from here.
export * from '../../infra/local/emulators.ts';
