import { describeSimulatedDay } from './simulated-day.suite.js'

describeSimulatedDay('sqlite')
