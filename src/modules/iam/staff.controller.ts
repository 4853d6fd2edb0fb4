import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../common/auth';
import { ApiOp, Audited, AuditResource, PageOf, UuidPipe } from '../../common/http';
import { CreateStaffDto, StaffDto, StaffListQueryDto, UpdateStaffDto } from './dto/staff.dto';
import { StaffService } from './staff.service';
import { StaffTwoFactorService } from './two-factor/staff-two-factor.service';

/** Platform staff management; owners only. */
@ApiTags('staff')
@AuditResource('iam', 'staff')
@PlatformAuth('owner')
@Controller('admin/staff')
export class StaffController {
  constructor(
    private readonly staff: StaffService,
    private readonly twoFactor: StaffTwoFactorService,
  ) {}

  @Get()
  @ApiOp('adminStaff_list', 'List platform staff', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(StaffDto) })
  list(@Query() query: StaffListQueryDto) {
    return this.staff.list(query);
  }

  @Post()
  @Audited('staff.create')
  @ApiOp('adminStaff_create', 'Create a staff member', ['validation_failed', 'staff_email_taken'])
  @ApiCreatedResponse({ type: StaffDto })
  create(@Body() dto: CreateStaffDto): Promise<StaffDto> {
    return this.staff.create(dto);
  }

  @Get(':staffId')
  @ApiOp('adminStaff_get', 'Get a staff member', ['validation_failed', 'staff_member_not_found'])
  @ApiOkResponse({ type: StaffDto })
  get(@Param('staffId', UuidPipe) staffId: string): Promise<StaffDto> {
    return this.staff.get(staffId);
  }

  @Patch(':staffId')
  @Audited('staff.update')
  @ApiOp('adminStaff_update', 'Change a staff member’s name, role or active flag', ['validation_failed', 'staff_member_not_found', 'last_owner'])
  @ApiOkResponse({ type: StaffDto })
  update(@Param('staffId', UuidPipe) staffId: string, @Body() dto: UpdateStaffDto): Promise<StaffDto> {
    return this.staff.update(staffId, dto);
  }

  @Delete(':staffId/2fa')
  @Audited('staff.resetTwoFactor')
  @HttpCode(204)
  @ApiOp('adminStaff_resetTwoFactor', 'Reset a staff member’s two-factor authentication (lost authenticator): removes it and the recovery codes, signs the member out everywhere', [
    'validation_failed',
    'staff_member_not_found',
    'two_factor_not_enabled',
  ])
  @ApiNoContentResponse({ description: 'Two-factor authentication removed; where it is required, the member enrolls again at the next sign-in' })
  async resetTwoFactor(@Param('staffId', UuidPipe) staffId: string): Promise<void> {
    await this.twoFactor.reset(staffId);
  }
}
