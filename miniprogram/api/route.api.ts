import { visitContract as C } from '../vendor/shared';
import { callAction } from './transport';
import { type InputOf, parseInput } from './validate';

export type RouteOutput = import('../vendor/shared').visitContract.RouteOutput;
export type RouteStopOut = import('../vendor/shared').visitContract.RouteStopOut;
type V = typeof import('../vendor/shared').visitContract;
export type RouteRequest = InputOf<V['routeInput']>;

/** The day's route: my due tasks and revisits, ordered as a walk from `from` (my GPS fix), with the naive order's length. */
export function fetchRoute(request: RouteRequest): Promise<RouteOutput> {
  return callAction('visit', 'route', parseInput(C.routeInput, request));
}
