import { execFile } from 'node:child_process';

/**
 * The text of a PDF, extracted with pdf-parse in a child Node process: pdf.js loads its worker with
 * a dynamic import, which Jest's module sandbox does not allow.
 */
export function pdfText(bytes: Uint8Array): Promise<string> {
  const script = `const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c)).on('end', async () => {
  const result = await new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) }).getText();
  process.stdout.write(result.text);
});`;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', script], { cwd: process.cwd(), maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    child.stdin!.end(Buffer.from(bytes));
  });
}
