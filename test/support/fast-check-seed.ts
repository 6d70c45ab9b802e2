// Every property test runs with a fixed seed, so a run is reproducible and a green run means the
// same thing on every machine. Explore other inputs with FC_SEED=<n> (and PROPERTY_RUNS=<n> where a
// test reads it); a failure prints its seed and path, replayable with that FC_SEED.
import fc from 'fast-check';

export const FC_SEED = Number(process.env.FC_SEED ?? 20261201);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: FC_SEED });
