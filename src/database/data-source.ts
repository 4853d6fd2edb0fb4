import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfigOrExit } from '../config/env';
import { buildDataSourceOptions, ENTITY_GLOB } from './typeorm-options';

/** Data source of the TypeORM CLI and the scripts in scripts/ (migrations, drift check). */
export default new DataSource(buildDataSourceOptions(loadConfigOrExit().databaseUrl, { entities: [ENTITY_GLOB] }));
