//! The event handler: hands over the settled records due first, then forwards each event to
//! the module that owns it.

use super::events::Ev;
use super::{Observer, Sim};
use crate::engine::{Handler, Scheduler};
use bevy_ecs::prelude::*;

impl<O: Observer> Handler for Sim<'_, O> {
    type Event = Ev;

    fn handle(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, event: Ev) {
        self.release_settled(sched, false);
        match event {
            Ev::Occur(s) => self.occur(world, sched, s as usize),
            Ev::Expire(e) => self.expire(world, e),
            Ev::Report(e) => self.report(world, sched, e),
            Ev::Decide(e) => self.decide(world, sched, e),
            Ev::Approved(unit) => self.approved(world, sched, unit),
            Ev::Depart(unit) => Self::depart(world, sched, unit),
            Ev::Arrive(unit) => Self::arrive(world, sched, unit),
            Ev::Clear(unit) => self.clear(world, sched, unit),
            Ev::Home(unit) => self.home(world, sched, unit),
            Ev::Ready(unit) => self.ready(world, sched, unit),
            Ev::SatPass(track) => self.satellite_pass(world, sched, track),
            Ev::DroneOnStation(d) => self.drone_on_station(world, sched, d),
            Ev::DroneOffStation(d) => self.drone_off_station(world, sched, d),
            Ev::InService(c) => self.in_service(world, sched, c as usize),
            Ev::Sample => self.sample(sched),
        }
    }
}
