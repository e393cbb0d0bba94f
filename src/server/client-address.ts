/**
 * The client's address for requests the Node adapter built, from the connection itself. A `Request` has
 * no such field and any header can be forged by the client, so the adapter hands it over out of band.
 */
const addresses = new WeakMap<Request, string>();

export function setClientAddress(request: Request, address: string | undefined): void {
  if (address) addresses.set(request, address);
}

/** The address `toNodeHandler`/`toRequest` saw for `request` (or its trusted proxy's), if it built it. */
export function clientAddress(request: Request): string | undefined {
  return addresses.get(request);
}
