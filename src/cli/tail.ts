// Placeholder until the tail command lands; reports plainly that it is not built yet.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('streamscope tail: not implemented yet\n');
  return 1;
}
