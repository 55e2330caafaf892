import { defineModule } from '../module.js';
import { migrations } from './migrations.js';
import { ceremoniesSql } from './sql.js';

/** Ceremonies: single-use challenges (stored, or sealed for sign-in) that the other modules issue. */
export const ceremoniesModule = defineModule({ name: 'ceremonies', migrations, sql: ceremoniesSql });
