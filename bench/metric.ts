/** One benchmark figure with the target it is judged against. */
export interface Metric {
  value: number;
  unit: string;
  target: string;
}
