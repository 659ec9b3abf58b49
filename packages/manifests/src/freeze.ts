/**
 * Freezes plain objects and arrays all the way down. Other objects (SecretValue, Map, byte
 * arrays a plugin returns) are left as they are: freezing a typed array throws, and class
 * instances guard their own state.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  if (Object.isFrozen(value)) {
    // Still walk: a frozen container may hold unfrozen plain objects (core's defaults are frozen).
    for (const item of Object.values(value)) deepFreeze(item);
    return value;
  }
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
  return value;
}
