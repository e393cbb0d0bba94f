/** Clicks the middle of `element` through the browser's input pipeline (a trusted user gesture). */
export function clickLikeAUser(element: Element): Promise<void>;
