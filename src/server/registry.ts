/** The server halves of the vendors, one line each: adding a vendor is its folder plus one line here. */
import { akool } from '../vendors/akool/server.js';
import { deepbrain } from '../vendors/deepbrain/server.js';
import { heygen } from '../vendors/heygen/server.js';
import { konpro } from '../vendors/konpro/server.js';

export const SERVER_VENDORS = { heygen, konpro, deepbrain, akool };
export type ServerVendors = typeof SERVER_VENDORS;

/** Vendors the server half can create sessions for. */
export const SERVER_PROVIDERS = Object.keys(SERVER_VENDORS) as (keyof ServerVendors)[];
