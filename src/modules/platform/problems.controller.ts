import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../common/auth';
import { AppError, CatalogedError, errorCatalog, errorEntry, PROBLEM_SCHEMAS, problemTypeOf } from '../../common/errors';
import { ApiOp, PageQueryDto, problemExample, toPage } from '../../common/http';
import { ProblemTypeDto, ProblemTypePageDto } from './dto/problem-type.dto';
// Registers this context's codes (not_ready, problem_type_not_found) with the catalog.
import './errors';

/** Maps a catalog entry to its public description. */
function toProblemTypeDto(entry: CatalogedError): ProblemTypeDto {
  return {
    code: entry.code,
    type: problemTypeOf(entry.code),
    status: entry.status,
    title: entry.title,
    description: entry.description,
    schema: PROBLEM_SCHEMAS[entry.family].name,
    exampleProblem: problemExample(entry),
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/** A small, dependency-free page of one problem type (no script, no inline style: helmet's CSP applies). */
function problemTypePage(dto: ProblemTypeDto): string {
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(dto.code)} — ${escapeHtml(dto.title)}</title>`,
    `<link rel="alternate" type="application/json" href="${escapeHtml(dto.type)}"></head>`,
    '<body><main>',
    `<h1>${escapeHtml(dto.title)}</h1>`,
    `<p>Code <code>${escapeHtml(dto.code)}</code>, HTTP status ${dto.status}. The problem body follows schema <code>${escapeHtml(dto.schema)}</code>.</p>`,
    `<p>${escapeHtml(dto.description)}</p>`,
    `<h2>Example</h2><pre>${escapeHtml(JSON.stringify(dto.exampleProblem, null, 2))}</pre>`,
    '<p><a href="/api/v1/problems">All problem types</a></p>',
    '</main></body></html>',
  ].join('\n');
}

/**
 * The pages that problem `type` URIs resolve to (RFC 9457 §3.1.1 "when dereferenced, it SHOULD
 * provide human-readable documentation"): every problem's `type` is `/api/v1/problems/{code}`.
 * Served under the versioned prefix because the codes are part of the v1 contract. Public (a
 * client that was refused its token must still be able to read why). JSON by default; a client
 * that prefers `text/html` (a browser) gets a page, with `Vary: Accept`.
 */
@ApiTags('problems')
@Public()
@Controller('problems')
export class ProblemsController {
  @Get()
  @ApiOp('problems_list', 'List every error code of the API with its status, title and description', ['validation_failed'])
  @ApiOperation({ security: [] })
  @ApiOkResponse({ type: ProblemTypePageDto })
  list(@Query() query: PageQueryDto): ProblemTypePageDto {
    const all = errorCatalog();
    return toPage(all.slice(query.offset, query.offset + query.limit).map(toProblemTypeDto), all.length, query);
  }

  @Get(':code')
  @ApiOp('problems_get', 'Describe one error code (the page a problem `type` URI points at)', ['problem_type_not_found'], 'JSON by default; `Accept: text/html` gets an HTML page.')
  @ApiOperation({ security: [] })
  @ApiParam({ name: 'code', example: 'quota_exceeded', description: 'An error code' })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({
    description: 'The problem type',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ProblemTypeDto) } },
      'text/html': { schema: { type: 'string' } },
    },
  })
  get(@Param('code') code: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): ProblemTypeDto | string {
    const entry = errorEntry(code);
    if (!entry) throw new AppError('problem_type_not_found', 404, `No problem type is named ${code.slice(0, 100)}.`);
    const dto = toProblemTypeDto(entry);
    res.setHeader('Vary', 'Accept');
    if (req.accepts(['application/json', 'text/html']) === 'text/html') {
      res.type('html');
      return problemTypePage(dto);
    }
    return dto;
  }
}
