/** Roll-ups under concurrent writers, the engine in the functions' thread (the suite: concurrency.suite.ts). */
import { concurrencySuite } from './concurrency.suite';

concurrencySuite('same');
