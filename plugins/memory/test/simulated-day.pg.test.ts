import { describeSimulatedDay } from './simulated-day.suite.js'

describeSimulatedDay('pg')
