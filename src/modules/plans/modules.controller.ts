import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../common/auth';
import { ApiOp, Audited, AuditResource, PageOf, UuidPipe } from '../../common/http';
import { CreateModuleDto, ModuleDto, ModuleListQueryDto, UpdateModuleDto } from './dto/module.dto';
import { ModuleCatalogService } from './modules.service';

/** The module catalog for platform staff; changes by owners and admins. */
@ApiTags('modules')
@AuditResource('modules', 'module')
@PlatformAuth()
@Controller('admin/modules')
export class ModulesController {
  constructor(private readonly modules: ModuleCatalogService) {}

  @Post()
  @Audited('modules.create')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminModules_create', 'Add a module to the catalog (tenants subscribe to it monthly or annually, with an optional free trial)', ['validation_failed', 'module_code_taken'])
  @ApiCreatedResponse({ type: ModuleDto })
  create(@Body() dto: CreateModuleDto): Promise<ModuleDto> {
    return this.modules.create(dto);
  }

  @Get()
  @ApiOp('adminModules_list', 'List the modules of the catalog, by code', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(ModuleDto) })
  list(@Query() query: ModuleListQueryDto) {
    return this.modules.list(query);
  }

  @Get(':moduleId')
  @ApiOp('adminModules_get', 'Get a module of the catalog', ['validation_failed', 'module_not_found'])
  @ApiOkResponse({ type: ModuleDto })
  get(@Param('moduleId', UuidPipe) moduleId: string): Promise<ModuleDto> {
    return this.modules.get(moduleId);
  }

  @Patch(':moduleId')
  @Audited('modules.update')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminModules_update', 'Change a module (code is immutable; new prices apply to new subscriptions; deactivating keeps existing subscribers)', ['validation_failed', 'module_not_found'])
  @ApiOkResponse({ type: ModuleDto })
  update(@Param('moduleId', UuidPipe) moduleId: string, @Body() dto: UpdateModuleDto): Promise<ModuleDto> {
    return this.modules.update(moduleId, dto);
  }
}
