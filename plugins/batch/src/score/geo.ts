const EARTH_RADIUS_KM = 6371
/** Kilometres per degree of latitude on that sphere. */
export const KM_PER_DEGREE = (2 * Math.PI * EARTH_RADIUS_KM) / 360

const rad = (deg: number) => (deg * Math.PI) / 180

/** Great-circle distance (haversine). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = rad(lat2 - lat1)
  const dLon = rad(lon2 - lon1)
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)))
}

/** Grid cells nearbyKm of latitude high: every listing within nearbyKm of a point is in the cells neighboursOf gives. */
export function cellSize(nearbyKm: number): number {
  return nearbyKm / KM_PER_DEGREE
}

export function cellKey(lat: number, lon: number, size: number): string {
  return `${Math.floor(lat / size)}:${Math.floor(lon / size)}`
}

/** The cells that can hold a point within nearbyKm of (lat, lon): ±1 row, and enough columns for the narrower degrees of longitude. */
export function neighbourCells(lat: number, lon: number, nearbyKm: number): string[] {
  const size = cellSize(nearbyKm)
  const widestLat = Math.min(89, Math.abs(lat) + size)
  const lonReach = nearbyKm / (KM_PER_DEGREE * Math.cos(rad(widestLat)))
  const cells: string[] = []
  for (let y = Math.floor((lat - size) / size); y <= Math.floor((lat + size) / size); y++) {
    for (let x = Math.floor((lon - lonReach) / size); x <= Math.floor((lon + lonReach) / size); x++)
      cells.push(`${y}:${x}`)
  }
  return cells
}
