------------------------------ MODULE Scheduler ------------------------------
(***************************************************************************)
(* The work-balancing scheduler's protocol, as built in io.smolscale.impl. *)
(*                                                                         *)
(* Workers own bounded local queues; outside submissions go to one global  *)
(* queue; idle workers park in the IdleSet; a searching count suppresses   *)
(* redundant wake-ups (Tokio's "searching" protocol); a worker going idle  *)
(* publishes its idleness and then re-checks the global queue before it    *)
(* parks (Dekker-style publish-then-recheck, as in Kotlin's                *)
(* CoroutineScheduler); a balancer moves work out of stalled workers and   *)
(* preempts blocked ones, whose replacement is bounded by a thread cap.    *)
(*                                                                         *)
(* Each action is one atomic step of the implementation: a queue operation *)
(* under its lock, an atomic read-modify-write of a counter, or a short    *)
(* sequence of the owner's private work.  spec/MODEL.md maps every         *)
(* variable and action to the class and method that implement it.         *)
(*                                                                         *)
(* The constant Bug plants one known protocol bug (negative controls, see  *)
(* the Bug_*.cfg files); Bug = "none" is the protocol as built.            *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets

CONSTANTS
    NSlots,         \* worker thread slots; a retired thread's slot is reused by a later start
    NTasks,         \* tasks, submitted from outside or spawned by running tasks
    MaxThreads,     \* the thread cap (config maxThreads)
    Parallelism,    \* workers counted towards parallelism (config parallelism)
    LocalCap,       \* capacity of a local queue (LocalQueue.DEFAULT_CAPACITY in the code)
    ShareThreshold, \* local backlog that is shared (WorkBalancingScheduler.SHARE_THRESHOLD)
    MaxBlocking,    \* how many tasks may block (each at most once): bounds the state space
    Bug             \* "none", or the planted bug of a negative control

Bugs == {"none", "ParkNoRecheck", "RetireNoDrain", "WakeByPermit",
         "NoThreadCap", "DrainBlockedOnce", "SpinLeavesCount"}

ASSUME /\ Parallelism \in Nat \ {0}
       /\ MaxThreads \in Nat /\ MaxThreads >= Parallelism
       /\ NSlots \in Nat /\ NSlots >= MaxThreads
       /\ NTasks \in Nat \ {0}
       /\ LocalCap \in Nat \ {0}
       /\ ShareThreshold \in Nat \ {0}
       /\ MaxBlocking \in 0..NTasks
       /\ Bug \in Bugs

Slots  == 1..NSlots
Tasks  == 1..NTasks
NoTask == 0

(***************************************************************************)
(* Worker program counter (Worker.run / Worker.idle / afterBlockedTask):   *)
(*   "off"    no thread in this slot                                       *)
(*   "find"   Worker.findTask                                              *)
(*   "chain"  found a task as the last searcher: wake the next if needed   *)
(*   "run"    inside a task (Worker.runTask)                               *)
(*   "spin"   Worker.spinBeforeParking: counted as searching, watching the *)
(*            global queue (the adaptive pre-park spin)                    *)
(*   "dec"    Worker.idle: stop searching (decrementSearching)             *)
(*   "push"   Worker.idle: IdleSet.push (publish idleness)                 *)
(*   "check"  Worker.idle: re-check the global queue                       *)
(*   "parked" Worker.idle: the park loop (Parker.park, isIdle, remove)     *)
(*   "rwake"  afterBlockedTask: queue handed over, wake if work waits      *)
(*   "exit"   onWorkerExit: thread count released, wake if work waits      *)
(***************************************************************************)
VARIABLES
    pc,          \* [Slots -> PCs]
    srch,        \* [Slots -> BOOLEAN]  Worker.searching: counted in the searching count
    blocked,     \* [Slots -> BOOLEAN]  Worker.blocked (marked by the monitor or by itself)
    waiting,     \* [Slots -> {"no","wait","comp"}] the running task is inside a blocking call
                 \*   ("comp": it called Compensator.beginBlocking first, as Task.join does)
    wk,          \* [Slots -> BOOLEAN]  the worker thread owes a wakeOne() call (next step)
    permit,      \* [Slots -> BOOLEAN]  Parker state NOTIFIED
    cur,         \* [Slots -> Tasks \cup {NoTask}] the task being run
    local,       \* [Slots -> Seq(Tasks)] LocalQueue contents, head = oldest
    global,      \* Seq(Tasks)  GlobalQueue contents
    idle,        \* SUBSET Slots  IdleSet membership (Node.linked)
    nsearch,     \* IdleSet.searching
    tstate,      \* [Tasks -> {"new","queued","running","done"}]
    blockedOnce, \* [Tasks -> BOOLEAN] a task blocks at most once (keeps the model finite)
    runs,        \* [Tasks -> Nat] how many times each task was started
    subPc,       \* the outside submitter: "idle" or "wake" (between offer and wakeOne)
    bpc          \* the balancer: "scan" (per-worker work of a tick) or "end" (its wakeOne)

vars == <<pc, srch, blocked, waiting, wk, permit, cur, local, global, idle,
          nsearch, tstate, blockedOnce, runs, subPc, bpc>>

PCs == {"off", "find", "chain", "run", "spin", "dec", "push", "check", "parked",
        "rwake", "exit"}

-----------------------------------------------------------------------------
(* Derived quantities: the counters of WorkBalancingScheduler. *)

Threads == {w \in Slots : pc[w] # "off"}                         \* threads
Counted == {w \in Slots : pc[w] \notin {"off", "exit"} /\ ~blocked[w]}  \* counted
Awake(w) == pc[w] \notin {"off", "check", "parked"}                \* awake (balancer runs)

Range(s) == {s[i] : i \in DOMAIN s}
Min(a, b) == IF a < b THEN a ELSE b
Half(n) == (n + 1) \div 2                     \* drainHalfTo moves half, rounded up
Front(s, n) == SubSeq(s, 1, n)
Rest(s, n) == SubSeq(s, n + 1, Len(s))

NewTasks == {t \in Tasks : tstate[t] = "new"}
NextNew == CHOOSE t \in NewTasks : \A u \in NewTasks : t <= u   \* tasks are interchangeable

-----------------------------------------------------------------------------
(***************************************************************************)
(* WakeOne(pc0): WorkBalancingScheduler.wakeOne, after the caller's own    *)
(* program-counter update pc0.  Nothing if a worker is searching; else pop *)
(* a parked worker, count it as searching and unpark it                    *)
(* (IdleSet.popToSearch, Parker.unpark); else start a worker if fewer than *)
(* Parallelism are counted and the thread cap allows (maybeStartWorker).   *)
(* Which sleeper is popped is left open (the code pops the newest).        *)
(***************************************************************************)
FreeSlot == CHOOSE v \in Slots : pc[v] = "off" /\ \A u \in Slots : pc[u] = "off" => v <= u

CanStart == /\ \E v \in Slots : pc[v] = "off"
            /\ Cardinality(Counted) < Parallelism
            /\ (Cardinality(Threads) < MaxThreads \/ Bug = "NoThreadCap")

WakeOne(pc0) ==
    IF nsearch > 0 THEN
        /\ pc' = pc0
        /\ UNCHANGED <<srch, nsearch, idle, permit>>
    ELSE IF idle # {} THEN
        \E v \in idle :
            /\ idle' = idle \ {v}
            /\ nsearch' = nsearch + 1
            /\ permit' = [permit EXCEPT ![v] = TRUE]
            /\ pc' = pc0
            /\ UNCHANGED srch
    ELSE IF CanStart THEN
        /\ pc' = [pc0 EXCEPT ![FreeSlot] = "find"]
        /\ srch' = [srch EXCEPT ![FreeSlot] = TRUE]
        /\ nsearch' = nsearch + 1
        /\ permit' = [permit EXCEPT ![FreeSlot] = FALSE]
        /\ UNCHANGED idle
    ELSE
        /\ pc' = pc0
        /\ UNCHANGED <<srch, nsearch, idle, permit>>

wakeVars == <<pc, srch, nsearch, idle, permit>>

-----------------------------------------------------------------------------
Init ==
    /\ pc = [w \in Slots |-> "off"]
    /\ srch = [w \in Slots |-> FALSE]
    /\ blocked = [w \in Slots |-> FALSE]
    /\ waiting = [w \in Slots |-> "no"]
    /\ wk = [w \in Slots |-> FALSE]
    /\ permit = [w \in Slots |-> FALSE]
    /\ cur = [w \in Slots |-> NoTask]
    /\ local = [w \in Slots |-> <<>>]
    /\ global = <<>>
    /\ idle = {}
    /\ nsearch = 0
    /\ tstate = [t \in Tasks |-> "new"]
    /\ blockedOnce = [t \in Tasks |-> FALSE]
    /\ runs = [t \in Tasks |-> 0]
    /\ subPc = "idle"
    /\ bpc = "scan"

-----------------------------------------------------------------------------
(* The outside submitter: WorkBalancingScheduler.execute on a non-worker thread. *)

SubmitOutside ==                       \* dispatch: global.offer(task)
    /\ subPc = "idle"
    /\ NewTasks # {}
    /\ global' = Append(global, NextNew)
    /\ tstate' = [tstate EXCEPT ![NextNew] = "queued"]
    /\ subPc' = "wake"
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, idle,
                   nsearch, blockedOnce, runs, bpc>>

SubmitWake ==                          \* dispatch: wakeOne()
    /\ subPc = "wake"
    /\ WakeOne(pc)
    /\ subPc' = "idle"
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce,
                   runs, bpc>>

-----------------------------------------------------------------------------
(* Worker.findTask, and the searching worker's hand-over in Worker.run. *)

\* Start running task t with the queues left as l (local) and g (global).
Begin(w, t, l, g) ==
    /\ cur' = [cur EXCEPT ![w] = t]
    /\ tstate' = [tstate EXCEPT ![t] = "running"]
    /\ runs' = [runs EXCEPT ![t] = @ + 1]
    /\ local' = [local EXCEPT ![w] = l]
    /\ global' = g
    /\ IF srch[w]
         THEN \* decrementSearching(); the last searcher goes on to the chain check
              /\ srch' = [srch EXCEPT ![w] = FALSE]
              /\ nsearch' = nsearch - 1
              /\ pc' = [pc EXCEPT ![w] = IF nsearch - 1 = 0 THEN "chain" ELSE "run"]
         ELSE /\ pc' = [pc EXCEPT ![w] = "run"]
              /\ UNCHANGED <<srch, nsearch>>
    /\ UNCHANGED <<blocked, waiting, wk, permit, idle, blockedOnce, subPc, bpc>>

BatchSize == Min(Len(global) \div Cardinality(Counted) + 1,
                 IF LocalCap >= 2 THEN LocalCap \div 2 ELSE 1)

Find(w) ==
    /\ pc[w] = "find"
    /\ \/ \* every 61st task: one task from the global queue first (fairness)
          /\ global # <<>>
          /\ local[w] # <<>>
          /\ Begin(w, Head(global), local[w], Tail(global))
       \/ \* local.poll()
          /\ local[w] # <<>>
          /\ Begin(w, Head(local[w]), Tail(local[w]), global)
       \/ \* global.pollBatch(local, max) then local.poll()
          /\ local[w] = <<>>
          /\ global # <<>>
          /\ LET b == Front(global, BatchSize)
             IN Begin(w, Head(b), Tail(b), Rest(global, BatchSize))
       \/ \* nothing found: Worker.idle()
          /\ local[w] = <<>>
          /\ global = <<>>
          /\ pc' = [pc EXCEPT ![w] = "dec"]
          /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global,
                         idle, nsearch, tstate, blockedOnce, runs, subPc, bpc>>
       \/ \* nothing found, and the spin hint is set: Worker.spinBeforeParking. A worker not
          \* yet searching joins the count only if it is 0 (tryStartSearchingAlone's CAS).
          /\ local[w] = <<>>
          /\ global = <<>>
          /\ srch[w] \/ nsearch = 0
          /\ pc' = [pc EXCEPT ![w] = "spin"]
          /\ srch' = [srch EXCEPT ![w] = TRUE]
          /\ nsearch' = IF srch[w] THEN nsearch ELSE nsearch + 1
          /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global,
                         idle, tstate, blockedOnce, runs, subPc, bpc>>

\* The spin ends: work appeared (back to findTask, still searching), or the deadline passed
\* (at any moment, even with work just arrived) and the worker goes idle as usual.
SpinFound(w) ==
    /\ pc[w] = "spin"
    /\ global # <<>>
    /\ pc' = [pc EXCEPT ![w] = "find"]
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc>>

SpinGiveUp(w) ==
    /\ pc[w] = "spin"
    \* Bug SpinLeavesCount: the spinner parks still counted as searching.
    /\ pc' = [pc EXCEPT ![w] = IF Bug = "SpinLeavesCount" THEN "push" ELSE "dec"]
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc>>

Chain(w) ==                            \* Tokio's chain: the last searcher wakes the next one
    /\ pc[w] = "chain"
    /\ IF global # <<>>
         THEN WakeOne([pc EXCEPT ![w] = "run"])
         ELSE /\ pc' = [pc EXCEPT ![w] = "run"]
              /\ UNCHANGED <<srch, nsearch, idle, permit>>
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce,
                   runs, subPc, bpc>>

-----------------------------------------------------------------------------
(* Inside a task: spawn (dispatch on a worker), block, compensate, return. *)

CanAct(w) == pc[w] = "run" /\ waiting[w] = "no" /\ ~wk[w]

\* The running task may still enter a blocking call.
MayBlock(w) == /\ ~blockedOnce[cur[w]]
               /\ Cardinality({t \in Tasks : blockedOnce[t]}) < MaxBlocking

\* dispatch on the worker: local push (LocalQueue.offerOrOverflow), overflow, share.
SpawnLocal(w, t) ==
    IF Len(local[w]) < LocalCap
    THEN LET l == Append(local[w], t) IN
         IF Len(l) >= ShareThreshold /\ idle # {} /\ nsearch = 0
         THEN \* share half of the backlog: drainHalfTo(global), then wakeOne
              /\ local' = [local EXCEPT ![w] = Rest(l, Half(Len(l)))]
              /\ global' = global \o Front(l, Half(Len(l)))
              /\ wk' = [wk EXCEPT ![w] = TRUE]
         ELSE /\ local' = [local EXCEPT ![w] = l]
              /\ UNCHANGED <<global, wk>>
    ELSE \* overflow: the older half and the task to the global queue, then wakeOne
         /\ local' = [local EXCEPT ![w] = Rest(local[w], Half(Len(local[w])))]
         /\ global' = global \o Front(local[w], Half(Len(local[w]))) \o <<t>>
         /\ wk' = [wk EXCEPT ![w] = TRUE]

Spawn(w) ==
    /\ CanAct(w)
    /\ NewTasks # {}
    /\ LET t == NextNew IN
       /\ tstate' = [tstate EXCEPT ![t] = "queued"]
       /\ \/ /\ ~blocked[w]
             /\ SpawnLocal(w, t)
          \/ \* a blocked worker's task: pushes go global (isBlockedOpaque) ...
             /\ blocked[w]
             /\ global' = Append(global, t)
             /\ wk' = [wk EXCEPT ![w] = TRUE]
             /\ UNCHANGED local
          \/ \* ... unless its opaque read still sees the flag clear (the balancer re-drains)
             /\ blocked[w]
             /\ SpawnLocal(w, t)
    /\ UNCHANGED <<pc, srch, blocked, waiting, permit, cur, idle, nsearch,
                   blockedOnce, runs, subPc, bpc>>

OwedWake(w) ==                         \* the wakeOne() the worker thread owes after a push
    /\ pc[w] = "run"
    /\ wk[w]
    /\ WakeOne(pc)
    /\ wk' = [wk EXCEPT ![w] = FALSE]
    /\ UNCHANGED <<blocked, waiting, cur, local, global, tstate, blockedOnce, runs,
                   subPc, bpc>>

Block(w) ==                            \* an uncooperative blocking call (JDBC, sleep, lock)
    /\ CanAct(w)
    /\ MayBlock(w)
    /\ waiting' = [waiting EXCEPT ![w] = "wait"]
    /\ blockedOnce' = [blockedOnce EXCEPT ![cur[w]] = TRUE]
    /\ UNCHANGED <<pc, srch, blocked, wk, permit, cur, local, global, idle, nsearch,
                   tstate, runs, subPc, bpc>>

\* Compensator.beginBlocking (Task.join, blockOn): markBlocked(self): counted--, the owner
\* drains its whole queue (drainLocalToGlobal), then wakeOne if work waits; then the wait.
Compensate(w) ==
    /\ CanAct(w)
    /\ ~blocked[w]
    /\ MayBlock(w)
    /\ blocked' = [blocked EXCEPT ![w] = TRUE]
    /\ waiting' = [waiting EXCEPT ![w] = "comp"]
    /\ blockedOnce' = [blockedOnce EXCEPT ![cur[w]] = TRUE]
    /\ global' = global \o local[w]
    /\ local' = [local EXCEPT ![w] = <<>>]
    /\ wk' = [wk EXCEPT ![w] = global' # <<>>]
    /\ UNCHANGED <<pc, srch, permit, cur, idle, nsearch, tstate, runs, subPc, bpc>>

\* The blocking call returns; after a compensated wait, Compensator.endBlocking tries to
\* rejoin (tryRejoin: counted++ if below parallelism).
Unblock(w) ==
    /\ pc[w] = "run"
    /\ waiting[w] # "no"
    /\ ~wk[w]
    /\ waiting' = [waiting EXCEPT ![w] = "no"]
    /\ blocked' = [blocked EXCEPT ![w] =
                     IF waiting[w] = "comp" /\ Cardinality(Counted) < Parallelism
                       THEN FALSE ELSE @]
    /\ UNCHANGED <<pc, srch, wk, permit, cur, local, global, idle, nsearch, tstate,
                   blockedOnce, runs, subPc, bpc>>

\* The task returns (Worker.run after runTask; afterBlockedTask if blocked).
Complete(w) ==
    /\ CanAct(w)
    /\ tstate' = [tstate EXCEPT ![cur[w]] = "done"]
    /\ cur' = [cur EXCEPT ![w] = NoTask]
    /\ IF ~blocked[w]
         THEN /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ UNCHANGED <<blocked, local, global>>
       ELSE IF Cardinality(Counted) < Parallelism
         THEN \* tryRejoin: counted again, goes on as RUNNING (not searching)
              /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ blocked' = [blocked EXCEPT ![w] = FALSE]
              /\ UNCHANGED <<local, global>>
       ELSE \* retire: drainLocalToGlobal, then (next step) wakeOne if work waits
              /\ pc' = [pc EXCEPT ![w] = "rwake"]
              /\ UNCHANGED blocked
              /\ IF Bug = "RetireNoDrain"
                   THEN UNCHANGED <<local, global>>
                   ELSE /\ global' = global \o local[w]
                        /\ local' = [local EXCEPT ![w] = <<>>]
    /\ UNCHANGED <<srch, waiting, wk, permit, idle, nsearch, blockedOnce, runs, subPc,
                   bpc>>

RetireWake(w) ==                       \* afterBlockedTask: if (!global.isEmpty()) wakeOne()
    /\ pc[w] = "rwake"
    /\ IF global # <<>>
         THEN WakeOne([pc EXCEPT ![w] = "exit"])
         ELSE /\ pc' = [pc EXCEPT ![w] = "exit"]
              /\ UNCHANGED <<srch, nsearch, idle, permit>>
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce, runs,
                   subPc, bpc>>

\* onWorkerExit: threads--, then wakeOne if work waits.  The slot is reset for reuse.
Exit(w) ==
    /\ pc[w] = "exit"
    /\ LET pc0 == [pc EXCEPT ![w] = "off"] IN
       IF global # <<>>
         THEN WakeOne(pc0)
         ELSE /\ pc' = pc0
              /\ UNCHANGED <<srch, nsearch, idle, permit>>
    /\ blocked' = [blocked EXCEPT ![w] = FALSE]
    /\ UNCHANGED <<waiting, wk, cur, local, global, tstate, blockedOnce, runs, subPc, bpc>>

-----------------------------------------------------------------------------
(* Worker.idle: stop searching, publish, re-check, park. *)

StopSearching(w) ==
    /\ pc[w] = "dec"
    /\ pc' = [pc EXCEPT ![w] = "push"]
    /\ IF srch[w]
         THEN /\ srch' = [srch EXCEPT ![w] = FALSE]
              /\ nsearch' = nsearch - 1
         ELSE UNCHANGED <<srch, nsearch>>
    /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global, idle, tstate,
                   blockedOnce, runs, subPc, bpc>>

Publish(w) ==                          \* IdleSet.push(this)
    /\ pc[w] = "push"
    /\ idle' = idle \cup {w}
    /\ pc' = [pc EXCEPT ![w] = IF Bug = "ParkNoRecheck" THEN "parked" ELSE "check"]
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc>>

Recheck(w) ==                          \* if (!global.isEmpty()) { remove or popped } else park
    /\ pc[w] = "check"
    /\ IF global # <<>>
         THEN /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ srch' = [srch EXCEPT ![w] = TRUE]
              /\ IF w \in idle
                   THEN /\ idle' = idle \ {w}          \* removed itself: incrementSearching
                        /\ nsearch' = nsearch + 1
                   ELSE UNCHANGED <<idle, nsearch>>    \* a waker popped it and counted it
         ELSE /\ pc' = [pc EXCEPT ![w] = "parked"]
              /\ UNCHANGED <<srch, idle, nsearch>>
    /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global, tstate,
                   blockedOnce, runs, subPc, bpc>>

\* Parker.park(keepAlive) returned true (permit consumed), then the isIdle() check: woken
\* only if no longer in the IdleSet; a stale permit (left by a waker that popped the worker
\* during its re-check or its timeout) is absorbed and the worker parks again.
WakeUp(w) ==
    /\ pc[w] = "parked"
    /\ permit[w]
    /\ permit' = [permit EXCEPT ![w] = FALSE]
    /\ IF w \notin idle \/ Bug = "WakeByPermit"
         THEN /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ srch' = [srch EXCEPT ![w] = TRUE]
         ELSE UNCHANGED <<pc, srch>>
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, idle, nsearch, tstate,
                   blockedOnce, runs, subPc, bpc>>

\* Parker.park returned false (keep-alive passed): still in the set -> remove, retireIdle
\* (counted--), exit; popped meanwhile -> searching (the waker counted it).
KeepAliveExpires(w) ==
    /\ pc[w] = "parked"
    /\ ~permit[w]
    /\ IF w \in idle
         THEN /\ idle' = idle \ {w}
              /\ pc' = [pc EXCEPT ![w] = "exit"]
              /\ UNCHANGED srch
         ELSE /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ srch' = [srch EXCEPT ![w] = TRUE]
              /\ UNCHANGED idle
    /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global, nsearch, tstate,
                   blockedOnce, runs, subPc, bpc>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* The balancer (Balancer.tick).  One atomic step per worker visited (each *)
(* is one try-locked queue operation and/or the blocked CAS), then the end *)
(* of the tick: wakeOne if the global queue is not empty.  It runs only    *)
(* while some worker is awake (a blocked worker is awake).                 *)
(***************************************************************************)
BalUnchanged == UNCHANGED <<srch, waiting, wk, permit, cur, idle, nsearch, tstate,
                            blockedOnce, runs, subPc>>

\* A stalled (not blocked) worker: drainHalfTo(global).  "Stalled" (same progress counter
\* as at the last tick) is left to nondeterminism: any worker inside a task may be stalled.
BalanceStalled(w) ==
    /\ pc[w] = "run" /\ ~blocked[w]
    /\ local[w] # <<>>
    /\ global' = global \o Front(local[w], Half(Len(local[w])))
    /\ local' = [local EXCEPT ![w] = Rest(local[w], Half(Len(local[w])))]
    /\ bpc' = "end"
    /\ UNCHANGED <<pc, blocked>>
    /\ BalUnchanged

\* Preemption: markBlocked(w): counted--, drainAllTo(global).  Enabled for any worker inside
\* a task (the threshold for long computations); forced (fairness) for a waiting thread.
Preempt(w) ==
    /\ pc[w] = "run" /\ ~blocked[w]
    /\ blocked' = [blocked EXCEPT ![w] = TRUE]
    /\ global' = global \o local[w]
    /\ local' = [local EXCEPT ![w] = <<>>]
    /\ bpc' = "end"
    /\ UNCHANGED pc
    /\ BalUnchanged

PreemptWaiting(w) == waiting[w] # "no" /\ Preempt(w)

\* Every tick re-drains a blocked worker's queue (its task may still push locally).
RedrainBlocked(w) ==
    /\ blocked[w]
    /\ pc[w] \in {"run", "rwake"}
    /\ Bug # "DrainBlockedOnce"
    /\ local[w] # <<>>
    /\ global' = global \o local[w]
    /\ local' = [local EXCEPT ![w] = <<>>]
    /\ bpc' = "end"
    /\ UNCHANGED <<pc, blocked>>
    /\ BalUnchanged

\* A tick that moved nothing still wakes a sleeper when work waits (the safety net).
IdleTick ==
    /\ bpc = "scan"
    /\ global # <<>>
    /\ \E w \in Slots : Awake(w)
    /\ bpc' = "end"
    /\ UNCHANGED <<pc, blocked, local, global>>
    /\ BalUnchanged

TickEnd ==                             \* if (wake || !global.isEmpty()) wakeOne()
    /\ bpc = "end"
    /\ IF global # <<>>
         THEN WakeOne(pc)
         ELSE UNCHANGED wakeVars
    /\ bpc' = "scan"
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce, runs,
                   subPc>>

-----------------------------------------------------------------------------
\* All tasks done and every thread gone: the behaviour may stop here (not a deadlock).
Quiescent ==
    /\ \A t \in Tasks : tstate[t] = "done"
    /\ \A w \in Slots : pc[w] = "off"
    /\ subPc = "idle" /\ bpc = "scan"
    /\ UNCHANGED vars

\* The steps a worker thread takes by itself, one at a time in program order.
WorkerProgram(w) ==
    \/ Find(w) \/ Chain(w) \/ OwedWake(w) \/ Complete(w)
    \/ RetireWake(w) \/ Exit(w)
    \/ SpinFound(w) \/ SpinGiveUp(w)
    \/ StopSearching(w) \/ Publish(w) \/ Recheck(w) \/ WakeUp(w)

Next ==
    \/ SubmitOutside \/ SubmitWake
    \/ \E w \in Slots :
          \/ WorkerProgram(w)
          \/ Spawn(w) \/ Block(w) \/ Compensate(w) \/ Unblock(w) \/ KeepAliveExpires(w)
          \/ BalanceStalled(w) \/ Preempt(w) \/ RedrainBlocked(w)
    \/ IdleTick \/ TickEnd
    \/ Quiescent

(***************************************************************************)
(* Fairness (weak only).  Every step a thread takes on its own once it is  *)
(* its turn: the worker's program steps, the submitter's wakeOne, the end  *)
(* of a tick.  The balancer's duties to one worker (preempt a thread seen  *)
(* waiting, re-drain a blocked worker's queue) stay enabled until done,    *)
(* since a tick may visit any number of workers before its closing wake:   *)
(* weak fairness is exactly "every tick visits every worker".  Nothing is  *)
(* fair about what the environment decides: submitting, spawning, blocking,*)
(* keep-alive expiry, balancing a merely stalled worker, and the idle-tick *)
(* safety net (liveness must not depend on it).  Spec adds weak fairness   *)
(* of Unblock (every blocking call returns); SpecBlockForever omits it.    *)
(***************************************************************************)
Fairness ==
    /\ \A w \in Slots :
          /\ WF_vars(WorkerProgram(w))
          /\ WF_vars(PreemptWaiting(w))
          /\ WF_vars(RedrainBlocked(w))
    /\ WF_vars(SubmitWake)
    /\ WF_vars(TickEnd)

Spec == Init /\ [][Next]_vars /\ Fairness /\ \A w \in Slots : WF_vars(Unblock(w))

SpecBlockForever == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
(* Invariants (safety). *)

TypeOK ==
    /\ pc \in [Slots -> PCs]
    /\ srch \in [Slots -> BOOLEAN]
    /\ blocked \in [Slots -> BOOLEAN]
    /\ waiting \in [Slots -> {"no", "wait", "comp"}]
    /\ wk \in [Slots -> BOOLEAN]
    /\ permit \in [Slots -> BOOLEAN]
    /\ cur \in [Slots -> Tasks \cup {NoTask}]
    /\ \A w \in Slots : Len(local[w]) <= LocalCap /\ Range(local[w]) \subseteq Tasks
    /\ Range(global) \subseteq Tasks
    /\ idle \subseteq Slots
    /\ nsearch \in Int
    /\ tstate \in [Tasks -> {"new", "queued", "running", "done"}]
    /\ subPc \in {"idle", "wake"} /\ bpc \in {"scan", "end"}

\* Every submitted task runs exactly once: never twice ...
RunsAtMostOnce == \A t \in Tasks : runs[t] <= 1

\* ... and a queued task is in exactly one queue, a running task on exactly one worker.
Occurrences(t) ==
    Cardinality({i \in DOMAIN global : global[i] = t})
    + Cardinality({<<w, i>> \in Slots \X (1..LocalCap) :
                      i <= Len(local[w]) /\ local[w][i] = t})
NoTaskLostOrDuplicated ==
    \A t \in Tasks :
        /\ tstate[t] = "queued"  => Occurrences(t) = 1
        /\ tstate[t] # "queued"  => Occurrences(t) = 0
        /\ tstate[t] = "running" => Cardinality({w \in Slots : cur[w] = t}) = 1

\* The thread count never exceeds the cap.
ThreadCap == Cardinality(Threads) <= MaxThreads

\* No task in the queue of a parked worker, nor of a retired (or retiring-after-handover) one.
NoTaskInParkedQueue  == \A w \in Slots : pc[w] = "parked" => local[w] = <<>>
NoTaskInRetiredQueue == \A w \in Slots : pc[w] \in {"off", "rwake", "exit"} => local[w] = <<>>

\* A wake-up is never lost: while work waits in the global queue and a worker sleeps,
\* some worker is awake (it, or the balancer's tick that runs while it is awake, reaches the
\* work), or a sleeper holds a permit, or a wakeOne() is owed by some thread.
WakeInFlight == subPc = "wake" \/ bpc = "end" \/ \E w \in Slots : wk[w]
NoLostWakeup ==
    (global # <<>> /\ \E w \in Slots : pc[w] = "parked")
        => \/ \E w \in Slots : pc[w] \notin {"off", "parked"} \/ permit[w]
           \/ WakeInFlight
\* ... nor when every thread is gone.
NoOrphanedWork == global # <<>> => Threads # {} \/ WakeInFlight

\* The bookkeeping behind the searching protocol (IdleSet.searching, IdleSet membership).
\* A popped worker is counted by its waker before it knows it was popped.
Popped(w) == pc[w] \in {"check", "parked"} /\ w \notin idle
SearchingCountExact ==
    nsearch = Cardinality({w \in Slots : srch[w]}) + Cardinality({w \in Slots : Popped(w)})
IdleSetHoldsOnlyIdle == \A w \in idle : pc[w] \in {"check", "parked"}
CountedWithinParallelism == Cardinality(Counted) <= Parallelism

-----------------------------------------------------------------------------
(* Temporal properties (liveness). *)

Started(t) == tstate[t] \in {"running", "done"}

\* Every submitted task eventually runs (under Spec: every blocking call returns).
EveryTaskRuns == \A t \in Tasks : tstate[t] = "queued" ~> Started(t)

\* ... and completes.
EveryTaskCompletes == \A t \in Tasks : tstate[t] = "queued" ~> tstate[t] = "done"

\* The same two, checked against SpecBlockForever: they hold in every behaviour in which
\* every blocking call returns (so one run of TLC checks all the temporal properties).
BlockingCallsReturn == \A w \in Slots : WF_vars(Unblock(w))
EveryTaskRunsIfCallsReturn == BlockingCallsReturn => EveryTaskRuns
EveryTaskCompletesIfCallsReturn == BlockingCallsReturn => EveryTaskCompletes

\* A task in a blocked worker's queue is eventually moved out of it, even if the blocked
\* task never returns (checked under SpecBlockForever).
BlockedQueueDrained ==
    \A w \in Slots, t \in Tasks :
        (blocked[w] /\ t \in Range(local[w])) ~> t \notin Range(local[w])

\* When every thread is stuck in a blocking call while work waits, below the cap, a worker
\* that can run it eventually exists (a replacement is started or woken).
Stuck(w) == pc[w] = "run" /\ waiting[w] # "no"
WorkWaiting == global # <<>> \/ \E w \in Slots : local[w] # <<>>
ReplacementStarted ==
    (/\ Threads # {}
     /\ \A w \in Threads : Stuck(w)
     /\ WorkWaiting
     /\ Cardinality(Threads) < MaxThreads)
    ~> (\E w \in Threads : ~Stuck(w)) \/ ~WorkWaiting
=============================================================================
