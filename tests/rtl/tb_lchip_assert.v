// tb_lchip_assert - shows that every assertion of the Loihi-style RTL (rtl/loihi, `ifdef NM_ASSERT)
// can fire, and that a clean run fires none. Build with -DNM_ASSERT; run once per scenario:
// vvp -n tb.vvp +scenario=NAME. A bad scenario must end in the assertion's "nm_assert: ..." line
// and $stop; a scenario that reaches its end prints "NO ASSERTION" (and "FAIL ..." lines for
// wrong values). tests/loihi/check-lassert checks the text, and also runs "clean" on copies of
// the RTL with a planted bug (an input queue that overwrites, a refractory v not held at 0, a
// barrier that starts a step before the cores are idle).
//
//   clean        a lone core (input queue of 4): six events into the queue (two dropped and
//                counted), a compartment that spikes every 3rd step (bias 1 > threshold 0,
//                refractDelay 3); a 2 x 1 chip stepped through tick_i while its cores still
//                clear their memories, and APB transfers by the rules
//   step_busy    step_i to the lone core while its step runs
//   apb_nosetup  an APB access phase with no setup phase before it
//   apb_change   PADDR changed between the setup and the access phase
//   apb_enable   PENABLE without PSEL
`timescale 1ns/1ps
module tb_lchip_assert;
  `include "nm_loihi_regmap.vh"
  reg clk = 1'b0, rst_n = 1'b0;
  always #5 clk = ~clk;
  reg [8*16-1:0] scenario;
  integer errors = 0, k;

  // ---------------------------------------------------------------- a lone core
  reg         step = 1'b0, in_valid = 1'b0;
  reg  [11:0] in_axon = 12'd0;
  reg         cfg_req = 1'b0, cfg_we = 1'b0;
  reg  [19:0] cfg_addr = 20'd0;
  reg  [31:0] cfg_wdata = 32'd0;
  wire        done, busy, inq_full, out_valid, spk_valid, rvalid, rerr;
  wire [7:0]  out_dx, out_dy;
  wire [11:0] out_axon, out_src, out_entry, spk_comp;
  wire [31:0] rdata;
  nm_loihi_core #(.NCOMP(4), .NAXIN(4), .NAXOUT(4), .NSYN(4), .NDSLOT(2), .NDPROF(1),
                  .NTPROF(1), .NSYNFMT(1), .INQ(4)) u_core (
    .clk_i(clk), .rst_ni(rst_n), .step_i(step), .step_done_o(done), .busy_o(busy),
    .pkt_in_valid_i(in_valid), .pkt_in_axon_i(in_axon), .inq_full_o(inq_full),
    .pkt_out_valid_o(out_valid), .pkt_out_ready_i(1'b1), .pkt_out_dx_o(out_dx),
    .pkt_out_dy_o(out_dy), .pkt_out_axon_o(out_axon), .pkt_out_src_o(out_src),
    .pkt_out_entry_o(out_entry), .spike_valid_o(spk_valid), .spike_comp_o(spk_comp),
    .cfg_req_i(cfg_req), .cfg_we_i(cfg_we), .cfg_addr_i(cfg_addr), .cfg_wdata_i(cfg_wdata),
    .cfg_rvalid_o(rvalid), .cfg_rdata_o(rdata), .cfg_err_o(rerr));

  // ---------------------------------------------------------------- a 2 x 1 chip
  reg         h_tick = 1'b0;
  reg         psel = 1'b0, penable = 1'b0, pwrite = 1'b0;
  reg  [31:0] paddr = 32'd0, pwdata = 32'd0;
  wire        h_done, h_busy, h_overrun, h_ready, o_valid, p_ready, p_err;
  wire [29:0] o_flit;
  wire [1:0]  o_side, t_valid, tp_valid;
  wire [7:0]  o_pos;
  wire [31:0] o_tick, p_rdata;
  wire [23:0] t_comp;
  wire [59:0] tp_flit;
  nm_loihi_chip #(.MeshX(2), .MeshY(1), .NCOMP(4), .NAXIN(4), .NAXOUT(4), .NSYN(4), .NDSLOT(2),
                  .NDPROF(1), .NTPROF(1), .NSYNFMT(1), .INQ(4)) u_chip (
    .clk_i(clk), .rst_ni(rst_n), .tick_i(h_tick), .tick_done_o(h_done), .busy_o(h_busy),
    .overrun_o(h_overrun), .host_valid_i(1'b0), .host_ready_o(h_ready), .host_flit_i(30'd0),
    .off_valid_o(o_valid), .off_ready_i(1'b1), .off_flit_o(o_flit), .off_side_o(o_side),
    .off_pos_o(o_pos), .off_tick_o(o_tick), .trace_valid_o(t_valid), .trace_comp_o(t_comp),
    .trace_pkt_valid_o(tp_valid), .trace_pkt_flit_o(tp_flit),
    .psel_i(psel), .penable_i(penable), .pwrite_i(pwrite), .paddr_i(paddr), .pwdata_i(pwdata),
    .prdata_o(p_rdata), .pready_o(p_ready), .pslverr_o(p_err));

  // core config access: one cycle, the response the next
  task wr(input [3:0] region, input [15:0] off, input [31:0] data);
    begin
      @(negedge clk); cfg_req = 1; cfg_we = 1; cfg_addr = {region, off}; cfg_wdata = data;
      @(negedge clk); cfg_req = 0; cfg_we = 0;
      if (rerr) begin $display("FAIL core write %0d:%0d refused", region, off); errors = errors + 1; end
    end
  endtask
  task rd(input [3:0] region, input [15:0] off, output [31:0] data);
    begin
      @(negedge clk); cfg_req = 1; cfg_we = 0; cfg_addr = {region, off};
      @(negedge clk); cfg_req = 0; data = rdata;
    end
  endtask
  task run_step;
    begin
      @(negedge clk); step = 1;
      @(negedge clk); step = 0;
      while (busy) @(negedge clk);
    end
  endtask
  // an APB read by the rules: setup, then access (PREADY is always high)
  task apb_read(input [31:0] addr, output [31:0] data);
    begin
      @(negedge clk); psel = 1; penable = 0; pwrite = 0; paddr = addr;
      @(negedge clk); penable = 1;
      @(negedge clk); data = p_rdata; psel = 0; penable = 0;
    end
  endtask

  reg [31:0] w;
  integer spikes;
  initial begin
    if (!$value$plusargs("scenario=%s", scenario)) scenario = "clean";
    repeat (3) @(negedge clk);
    rst_n = 1;
    // the chip is stepped at once, while its cores still clear their memories: the barrier
    // holds the step until they are idle
    if (scenario == "clean") begin
      @(negedge clk); h_tick = 1;
      @(negedge clk); h_tick = 0;
    end
    while (busy || h_busy) @(negedge clk);
    if (scenario == "apb_nosetup") begin
      @(negedge clk); psel = 1; penable = 1; paddr = 32'h8000_0000;
      @(negedge clk); psel = 0; penable = 0;
    end
    if (scenario == "apb_change") begin
      @(negedge clk); psel = 1; penable = 0; paddr = 32'h8000_0000;
      @(negedge clk); penable = 1; paddr = 32'h8000_0004;
      @(negedge clk); psel = 0; penable = 0;
    end
    if (scenario == "apb_enable") begin
      @(negedge clk); penable = 1;
      @(negedge clk); penable = 0;
    end
    if (scenario == "clean") begin
      apb_read(32'h8000_0000, w);          // chip ID
      if (w !== 32'h4E4D4C00) begin $display("FAIL chip ID 0x%08h", w); errors = errors + 1; end
    end
    // the lone core: compartment 0 fires every 3rd step (bias 1 > threshold 0, refractDelay 3);
    // axon 0 drives compartment 1 (weight 2)
    wr(`NML_REGION_DPROF, 16'd0, (32'd3 << 24) | (32'd4095 << 12) | 32'd4095);
    wr(`NML_REGION_TPROF, 16'd0, 32'd0);
    wr(`NML_REGION_CX, 16'd0, 32'd1 << 16);                     // compartment 0: bias 1
    wr(`NML_REGION_INAXON, 16'd0, (32'd1 << 16) | 32'd0);       // one synapse at word 0
    wr(`NML_REGION_SYN, 16'd0, (32'd2 << 12) | 32'd1);          // compartment 1, weight 2
    wr(`NML_REGION_CTRL, `NML_CTRL_NUPD, 32'd1);                // compartment 0 only
    // six events into a queue of four: two are dropped and counted
    for (k = 0; k < 6; k = k + 1) begin
      @(negedge clk); in_valid = 1; in_axon = 12'd0;
    end
    @(negedge clk); in_valid = 0;
    spikes = 0;
    for (k = 1; k <= 8; k = k + 1) begin
      @(negedge clk); step = 1;
      @(negedge clk); step = 0;
      if (scenario == "step_busy") begin
        @(negedge clk); step = 1;
        @(negedge clk); step = 0;
      end
      while (busy) begin
        if (spk_valid) spikes = spikes + 1;
        @(negedge clk);
      end
    end
    rd(`NML_REGION_COUNTER, `NML_COUNTER_IN_DROPS, w);
    if (w !== 32'd2) begin $display("FAIL IN_DROPS = %0d, want 2", w); errors = errors + 1; end
    rd(`NML_REGION_COUNTER, `NML_COUNTER_AXON_EVENTS, w);
    if (w !== 32'd4) begin $display("FAIL AXON_EVENTS = %0d, want 4", w); errors = errors + 1; end
    // v = 0 + u (0: DU 4095 clears it) + bias 1 = 1 > 0: a spike in step 1, the counter set to
    // 3; steps 2 and 3 count it down to 2 and 1 (refractory, v held at 0), step 4 to 0 and
    // fires again: spikes in steps 1, 4 and 7 of 8
    if (spikes !== 3) begin $display("FAIL %0d spikes in 8 steps, want 3", spikes); errors = errors + 1; end
    // the chip's step (requested right after reset) has run and ended
    apb_read(32'h8000_0010, w);           // chip STEP_COUNT (word 4 of space 2)
    if (scenario == "clean" && w !== 32'd1) begin $display("FAIL chip STEP_COUNT = %0d, want 1", w); errors = errors + 1; end
    $display("NO ASSERTION (%0d errors)", errors);
    $finish;
  end
endmodule
